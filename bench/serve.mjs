// A static file server for a built page (the benchmark page, the app, the cloud page) on a free port
// of 127.0.0.1; a path ending in / serves its index.html.
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join } from 'node:path';

const types = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.gz': 'application/octet-stream',
  '.svg': 'image/svg+xml',
  '.woff2': 'font/woff2',
};

export async function serve(dir) {
  const server = createServer(async (req, res) => {
    try {
      const path = join(dir, decodeURIComponent(new URL(req.url, 'http://x').pathname.replace(/\/$/, '/index.html')));
      const body = await readFile(path);
      res.writeHead(200, { 'content-type': types[extname(path)] ?? 'application/octet-stream' });
      res.end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${server.address().port}/`, close: () => server.close() };
}
