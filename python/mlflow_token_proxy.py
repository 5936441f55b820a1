#!/usr/bin/env python
"""A bearer-token gate in front of a tracking server, to run the workload's auth step against the REAL mlflow.

The open-source `mlflow server` has no simple token auth, so python/mlflow_workload.py skips its
`auth_token_required` step unless --token is given. This reverse proxy (standard library only) answers
401 to any request whose `Authorization` header is not `Bearer TOKEN` and forwards everything else,
method, path, query, headers and body unchanged, to the upstream server. It exists only to prove that
the workload's auth step and the client's MLFLOW_TRACKING_TOKEN handling work against the real server:

    mlflow server ... --port 5055 &
    python python/mlflow_token_proxy.py --listen 5056 --upstream http://127.0.0.1:5055 --token s3cret &
    python python/mlflow_workload.py --uri http://127.0.0.1:5056 --token s3cret
"""

import argparse
import http.client
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HOP = {"connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade", "proxy-authorization", "host"}


def make_handler(upstream, token):
    up = urllib.parse.urlsplit(upstream)

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *a):
            pass

        def _proxy(self):
            if self.headers.get("Authorization") != f"Bearer {token}":
                body = b'{"error_code": "UNAUTHENTICATED", "message": "missing or wrong bearer token"}'
                self.send_response(401)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                return
            n = int(self.headers.get("Content-Length") or 0)
            data = self.rfile.read(n) if n else None
            headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP}
            conn = http.client.HTTPConnection(up.hostname, up.port, timeout=120)
            conn.request(self.command, self.path, body=data, headers=headers)
            r = conn.getresponse()
            payload = r.read()
            self.send_response(r.status)
            for k, v in r.getheaders():
                if k.lower() not in HOP and k.lower() != "content-length":
                    self.send_header(k, v)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
            conn.close()

        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = _proxy

    return Handler


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--listen", type=int, required=True, help="port on 127.0.0.1")
    ap.add_argument("--upstream", required=True, help="e.g. http://127.0.0.1:5055")
    ap.add_argument("--token", required=True)
    a = ap.parse_args()
    ThreadingHTTPServer(("127.0.0.1", a.listen), make_handler(a.upstream, a.token)).serve_forever()


if __name__ == "__main__":
    main()
