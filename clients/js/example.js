#!/usr/bin/env node
// A longtake client for Node with @grpc/grpc-js and @grpc/proto-loader, on
// the protos from scripts/gen-stubs.sh (OUT_DIR/js).
//
//   npm ci                    # or scripts/setup.sh
//   scripts/gen-stubs.sh gen
//   TOKEN=$(build/bin/longtake token --user alice --token-secret S)
//   node clients/js/example.js --stubs gen/js --catalog 127.0.0.1:50051 \
//       --watchlist 127.0.0.1:50052 --token "$TOKEN"
//
// Searches the catalogue, lists a film's sequences, adds a film to alice's
// watchlist, lists it with GB offers, then follows availability events for GB.
// Events are sent only as they happen (resume_after_event_id 0), so with
// --curator-token the example creates an offer once the stream is open, to
// have one to show. It stops after --max-events or --stream-timeout seconds.
// Addresses also come from LONGTAKE_ADDR / LONGTAKE_WATCHLIST_ADDR, tokens
// from LONGTAKE_TOKEN / LONGTAKE_CURATOR_TOKEN.
'use strict';
const path = require('path');
const crypto = require('crypto');
const { parseArgs } = require('util');
const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');
const protobuf = require('protobufjs'); // comes with @grpc/proto-loader

const { values: args } = parseArgs({
  options: {
    stubs: { type: 'string', default: path.join(__dirname, '..', '..', 'gen', 'js') },
    catalog: { type: 'string', default: process.env.LONGTAKE_ADDR || '127.0.0.1:50051' },
    watchlist: { type: 'string', default: process.env.LONGTAKE_WATCHLIST_ADDR || '127.0.0.1:50052' },
    token: { type: 'string', default: process.env.LONGTAKE_TOKEN || '' },
    'curator-token': { type: 'string', default: process.env.LONGTAKE_CURATOR_TOKEN || '' },
    user: { type: 'string', default: 'alice' },
    region: { type: 'string', default: 'GB' },
    'max-events': { type: 'string', default: '1' },
    'stream-timeout': { type: 'string', default: '10' },
  },
});

const { catalog, watchlist } = require(path.resolve(args.stubs))(grpc, protoLoader);
const kDeadlineMs = 5000;

// Promisified unary call with a deadline and optional metadata.
function call(client, method, request, metadata = new grpc.Metadata()) {
  return new Promise((resolve, reject) => {
    client[method](request, metadata, { deadline: Date.now() + kDeadlineMs },
      (err, response) => (err ? reject(err) : resolve(response)));
  });
}

function bearer(token) {
  const md = new grpc.Metadata();
  md.set('authorization', `Bearer ${token}`);
  return md;
}

function money(m) {
  if (!m || !m.currencyCode) return '';
  return `${m.currencyCode} ${(Number(m.units) + m.nanos / 1e9).toFixed(2)}`;
}

// Code, message and the AIP-193 ErrorInfo reason, when the server sent one
// (google.rpc.Status in the grpc-status-details-bin trailer).
function describeError(err) {
  let text = `${grpc.status[err.code] || err.code}: ${err.details || err.message}`;
  const bin = err.metadata && err.metadata.get('grpc-status-details-bin')[0];
  if (bin) {
    const root = new protobuf.Root();
    root.resolvePath = (origin, target) => path.join(path.resolve(args.stubs), 'protos', target);
    root.loadSync(['google/rpc/status.proto', 'google/rpc/error_details.proto']);
    const status = root.lookupType('google.rpc.Status').decode(bin);
    for (const any of status.details) {
      if (any.type_url.endsWith('/google.rpc.ErrorInfo')) {
        const info = root.lookupType('google.rpc.ErrorInfo').decode(any.value);
        text += ` (reason ${info.reason}, domain ${info.domain})`;
      }
    }
  }
  return text;
}

async function main() {
  if (!args.token) throw new Error('--token or LONGTAKE_TOKEN is required');
  const cat = new catalog.CatalogService(args.catalog, grpc.credentials.createInsecure());
  const wl = new watchlist.WatchlistService(args.watchlist, grpc.credentials.createInsecure());
  const auth = bearer(args.token);
  const parent = `users/${args.user}`;

  // (a) Typo-tolerant search.
  console.log('== search "Kalatazov"');
  const found = await call(cat, 'SearchFilms', { query: 'Kalatazov' });
  for (const r of found.results) {
    console.log(`film: ${r.film.name} | ${r.film.title} | ${r.film.year} | matched ${r.matchedFields.join(',')}`);
  }

  // (b) A film's sequences, in film order.
  console.log('== sequences of films/the-cranes-are-flying');
  const seqs = await call(cat, 'ListSequences', { parent: 'films/the-cranes-are-flying' });
  for (const s of seqs.sequences) console.log(`sequence ${s.filmOrder}: ${s.title}`);

  // (c) Add a film to the watchlist (idempotent).
  console.log('== add films/i-am-cuba');
  const item = await call(wl, 'CreateWatchlistItem',
    { parent, item: { film: 'films/i-am-cuba' }, requestId: crypto.randomUUID() }, auth);
  console.log(`added: ${item.name} ${item.film}`);

  // (d) The watchlist with titles and the best offer in the region.
  console.log(`== watchlist of ${parent}, region ${args.region}`);
  const items = await call(wl, 'ListWatchlistItems', { parent, region: args.region }, auth);
  for (const i of items.items) {
    const o = i.bestOffer;
    const best = o && o.name ? `${o.provider} ${o.monetization} ${money(o.price)}` : 'no offer';
    const s = i.filmSummary || {};
    console.log(`item: ${i.film} | ${s.title} | ${s.year} | best ${best}`);
  }

  // (e) Availability events, bounded by count and time.
  console.log(`== availability events, region ${args.region}`);
  const maxEvents = Number(args['max-events']);
  const stream = wl.WatchAvailability(
    { parent, regions: [args.region], resumeAfterEventId: 0 }, auth,
    { deadline: Date.now() + Number(args['stream-timeout']) * 1000 });
  let seen = 0;
  const done = new Promise((resolve, reject) => {
    stream.on('data', (response) => {
      const e = response.event;
      console.log(`event ${e.eventId}: ${e.kind} ${e.film} ${e.offer.provider} ${e.offer.region} ${money(e.offer.price)}`);
      if (++seen >= maxEvents) stream.cancel();
    });
    stream.on('error', (err) => {
      if (err.code === grpc.status.CANCELLED || err.code === grpc.status.DEADLINE_EXCEEDED) resolve();
      else reject(err);
    });
    stream.on('end', resolve);
  });
  // The server sends its headers once it is subscribed: from then on no new
  // event can be missed.
  await new Promise((resolve) => stream.once('metadata', resolve));
  if (args['curator-token']) {
    const offer = await call(wl, 'CreateOffer', {
      offer: {
        film: 'films/i-am-cuba', provider: 'providers/mr-bongo', monetization: 'MONETIZATION_RENT',
        format: 'FORMAT_STREAMING', quality: 'QUALITY_HD', region: args.region,
        deepLinkUri: 'https://mrbongo.com/i-am-cuba-rent',
        price: { currencyCode: 'GBP', units: 3, nanos: 490000000 },
      },
      requestId: crypto.randomUUID(),
    }, bearer(args['curator-token']));
    console.log(`created offer ${offer.name}`);
  }
  await done;
  console.log(`events seen: ${seen}`);
  cat.close();
  wl.close();
}

main().catch((err) => {
  console.error(`example.js: ${err.code !== undefined ? describeError(err) : err.message}`);
  process.exit(1);
});
