// The Bot Framework SDK for JavaScript (botbuilder) answering a "help"
// message, for scripts/bench-peers.sh: inbound tokens validated against the
// same local OpenID metadata herald uses, the reply sent to the same local
// connector. PORT, APP_ID, METADATA_URL and HELP_TEXT come from the
// environment; outbound calls carry a fixed token, as herald's cached one.
const http = require('http');
const { CloudAdapter, ConfigurationBotFrameworkAuthentication, ActivityHandler } = require('botbuilder');
const { ServiceClientCredentialsFactory, TokenCredentials } = require('botframework-connector');

class FixedToken extends ServiceClientCredentialsFactory {
  async isValidAppId(id) { return id === process.env.APP_ID; }
  async isAuthenticationDisabled() { return false; }
  async createCredentials() { return new TokenCredentials('bench-connector-token'); }
}

const auth = new ConfigurationBotFrameworkAuthentication(
  {
    MicrosoftAppId: process.env.APP_ID,
    ToBotFromChannelOpenIdMetadataUrl: process.env.METADATA_URL,
    ToBotFromChannelTokenIssuer: 'https://api.botframework.com',
  },
  new FixedToken(),
);
const adapter = new CloudAdapter(auth);
adapter.onTurnError = async (_ctx, err) => { console.error('botbuilder:', err.message); };

class Bot extends ActivityHandler {
  constructor() {
    super();
    this.onMessage(async (ctx, next) => { await ctx.sendActivity(process.env.HELP_TEXT); await next(); });
  }
}
const bot = new Bot();

http.createServer((req, res) => {
  let body = '';
  req.on('data', (c) => { body += c; });
  req.on('end', () => {
    try { req.body = JSON.parse(body); } catch { res.statusCode = 400; res.end(); return; }
    // CloudAdapter takes Node's request and response with a parsed body.
    res.status = (code) => { res.statusCode = code; return res; };
    res.header = (name, value) => { res.setHeader(name, value); return res; };
    res.send = (b) => { if (b !== undefined) res.write(typeof b === 'string' ? b : JSON.stringify(b)); };
    adapter.process(req, res, (ctx) => bot.run(ctx)).catch((err) => {
      console.error('botbuilder:', err.message);
      if (!res.writableEnded) { res.statusCode = 500; res.end(); }
    });
  });
}).listen(Number(process.env.PORT), () => console.log('botbuilder listening on', process.env.PORT));
