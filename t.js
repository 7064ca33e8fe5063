const Redis = require('ioredis'); const {hasFlag, exists} = require('@ioredis/commands');
const r = new Redis('redis://127.0.0.1:6399');
const orig = r.sendCommand.bind(r); const seen=[];
r.sendCommand = function(cmd, stream){ seen.push(cmd.name + (stream?' (stream)':'')); if (exists(cmd.name) && hasFlag(cmd.name,'write')) { cmd.resolve(null); return cmd.promise; } return orig(cmd, stream); };
(async()=>{ await r.set('a','1'); console.log(await r.get('a'));
 const p = r.pipeline(); p.set('b','2'); p.get('b'); p.hset('h','f','v'); console.log(JSON.stringify(await p.exec()));
 const m = r.multi(); m.set('c','3'); m.get('c'); try { console.log(JSON.stringify(await m.exec())); } catch(e){console.log('multi err', e.message)}
 console.log(seen); console.log(await orig.call ? 'x':'' ); r.disconnect(); })();
