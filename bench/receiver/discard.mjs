// The floor's request handler (floor.mjs, receiver-cpu-ab.mjs): reads the body whole, discards it, answers 200 with
// an empty body.
export function readAndDiscard(req, res) {
  const chunks = [];
  req.on('data', (chunk) => chunks.push(chunk));
  req.on('end', () => {
    Buffer.concat(chunks);
    res.writeHead(200, { 'content-type': 'application/x-protobuf', 'content-length': 0 });
    res.end();
  });
}
