// Slack's Bolt for JavaScript answering what herald answers, for
// scripts/bench-peers.sh: "/herald help" acknowledged with herald's own help
// (ack({...})), a button click acknowledged and answered through
// response_url. PORT, SECRET, SLACK_API_URL and HELP_FILE (herald's
// acknowledgement of help, JSON) come from the environment.
const fs = require('fs');
const { App, HTTPReceiver, LogLevel } = require('@slack/bolt');

const help = JSON.parse(fs.readFileSync(process.env.HELP_FILE, 'utf8'));
const receiver = new HTTPReceiver({
  signingSecret: process.env.SECRET,
  endpoints: ['/slack/commands', '/slack/interactions'],
});
const app = new App({
  token: 'xoxb-bench',
  receiver,
  tokenVerificationEnabled: false,
  botId: 'BHERALD',
  botUserId: 'UHERALD',
  clientOptions: { slackApiUrl: process.env.SLACK_API_URL },
  logLevel: LogLevel.ERROR,
});
app.command('/herald', async ({ ack }) => { await ack(help); });
app.action(/.*/, async ({ ack, respond }) => {
  await ack();
  await respond({ response_type: 'ephemeral', text: 'This button no longer works. Please use the newest message.' });
});
app.start(Number(process.env.PORT)).then(() => console.log('bolt listening on', process.env.PORT));
