// The floor for the receiver's ingest rate: a bare node:http server on loopback that reads each request body whole
// and discards it, answering 200 with an empty body. Prints its port, then serves until SIGTERM/SIGINT.
import { createServer } from 'node:http';
import { readAndDiscard } from './discard.mjs';

const server = createServer(readAndDiscard);
server.listen(0, '127.0.0.1', () => process.stdout.write(`${server.address().port}\n`));
const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
