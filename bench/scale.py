#!/usr/bin/env python3
"""Scale benchmark (issue 15): builds databases of 1,000, 10,000 and 30,000 TOMs through the public import path
(`tom import` of exported assessments, each copy with its own deploying organisation and product), then, signed
in as the central reviewer, times the central audit (page 1), the home page, the assessment list API and a
section page, and prints p50 / p99, the server's RSS, the ratio of the largest size's figures to the smallest's,
and the RSS growth while the whole audit CSV downloads.

Usage: scale.py TOM_BINARY [DB_URL] [--sizes 1000,10000,30000] [--requests 40]
  DB_URL empty or absent: a fresh SQLite file. A postgresql:// URL must name an empty database.
"""
import argparse
import concurrent.futures
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

ap = argparse.ArgumentParser()
ap.add_argument('tom')
ap.add_argument('db', nargs='?', default='')
ap.add_argument('--sizes', default='1000,10000,30000')
ap.add_argument('--requests', type=int, default=40)
args = ap.parse_args()
tom = args.tom
work = tempfile.mkdtemp(prefix='tom-scale-')
db = args.db or os.path.join(work, 'scale.db')
label = 'PostgreSQL' if db.startswith('postgres') else 'SQLite'
sizes = [int(s) for s in args.sizes.split(',')]
env = dict(os.environ, TOM_AUDIT_KEY_FILE=os.path.join(work, 'audit-key'))


def run(*argv, **kw):
    return subprocess.run([tom, '--db', db, *argv], check=True, capture_output=True, text=True, env=env, **kw).stdout


run('init', '--demo')
exported = [json.loads(run('export', str(i), '--format', 'json')) for i in (1, 2, 3, 4)]

# 200 variants: each deploying organisation and product its own, so lists, searches and visibility are real.
variants = []
for v in range(200):
    b = json.loads(json.dumps(exported[v % len(exported)]))
    for p in b['participants']:
        org = p['organisation']
        if org['type'] in ('nhs-trust', 'gp-practice'):
            org['name'] = 'Scale Trust %03d' % v
            org['ods_code'] = 'S%04d' % v
    b['assessment']['product'] = '%s %03d' % (b['assessment']['product'], v)
    path = os.path.join(work, 'variant-%03d.json' % v)
    with open(path, 'w') as f:
        json.dump(b, f)
    variants.append(path)


have = 4


def grow_to(n):
    global have
    t0 = time.time()
    added = 0
    while have < n:
        batch = min(1000, n - have)
        files = [variants[(have + i) % len(variants)] for i in range(batch)]
        run('import', *files)
        have += batch
        added += batch
    return added, time.time() - t0


def rss_kb(pid):
    with open('/proc/%d/status' % pid) as f:
        for line in f:
            if line.startswith('VmRSS:'):
                return int(line.split()[1])
    return 0


class Server:
    def __init__(self):
        self.p = subprocess.Popen([tom, '--db', db, 'serve', '--listen', '127.0.0.1:0', '--threads', '2'],
                                  stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env)
        line = self.p.stdout.readline()
        self.base = 'http://127.0.0.1:%d' % int(re.search(r':(\d+) ', line).group(1))
        req = urllib.request.Request(self.base + '/api/v1/session', data=json.dumps(
            {'email': 'priya.shah@nhsdigital.example', 'password': 'demo-password-2026'}).encode(),
            headers={'Content-Type': 'application/json'})
        resp = urllib.request.urlopen(req)
        self.cookie = resp.headers['Set-Cookie'].split(';')[0]

    def get(self, path):
        req = urllib.request.Request(self.base + path, headers={'Cookie': self.cookie})
        t0 = time.perf_counter()
        with urllib.request.urlopen(req) as r:
            body = r.read()
        return (time.perf_counter() - t0) * 1000, body

    def stop(self):
        self.p.terminate()
        self.p.wait()


def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))]


routes = [('dashboard /audit', '/audit'), ('home /', '/'), ('list API', '/api/v1/assessments'),
          ('section page', '/assessments/3/sections/%s'),
          # Words in names: one deploying organisation's (a few rows), and a word in nearly every row's.
          ('search, narrow', '/audit?q=scale+trust+017'), ('search, broad', '/api/v1/assessments?q=scale')]
results = {}
print('scale bench on %s, %d requests per route (sequential), then 4 at a time for RSS' % (label, args.requests))
for n in sizes:
    added, took = grow_to(n)
    if added:
        print('  imported %d TOMs in %.0f s (%.1f ms each, through `tom import`)' % (added, took, 1000 * took / added))
    s = Server()
    # The biggest section of assessment 3 (the e-RS demo TOM) for the section page.
    check = json.loads(s.get('/api/v1/assessments/3/check')[1])
    biggest = max(check['sections'], key=lambda x: x['required'])['section']
    figures = {}
    for name, path in routes:
        if '%s' in path:
            path = path % biggest
        s.get(path)  # warm
        times = []
        size = 0
        for _ in range(args.requests):
            ms, body = s.get(path)
            times.append(ms)
            size = len(body)
        figures[name] = (statistics.median(times), pct(times, 99), size)
    # Four at a time, 20 requests of each page, for the memory high-water mark.
    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        list(pool.map(lambda p: s.get(p), [p for _, p in routes[:3]] * 20))
    rss = rss_kb(s.p.pid)
    before = rss_kb(s.p.pid)
    t0 = time.perf_counter()
    req = urllib.request.Request(s.base + '/audit.csv', headers={'Cookie': s.cookie})
    peak = before
    lines = 0
    with urllib.request.urlopen(req) as r:
        while True:
            chunk = r.read(1 << 16)
            if not chunk:
                break
            lines += chunk.count(b'\n')
            peak = max(peak, rss_kb(s.p.pid))
    csv_ms = (time.perf_counter() - t0) * 1000
    s.stop()
    results[n] = figures
    print('%d TOMs:' % n)
    for name, _ in routes:
        p50, p99, size = figures[name]
        print('  %-18s p50 %7.1f ms   p99 %7.1f ms   %7.1f KB' % (name, p50, p99, size / 1024))
    print('  server RSS after %d + 60 requests: %.0f MB' % (args.requests * len(routes), rss / 1024))
    print('  CSV of every TOM: %d lines in %.0f ms, RSS growth while streaming %.1f MB' %
          (lines - 1, csv_ms, (peak - before) / 1024))
if len(sizes) > 1:
    lo, hi = sizes[0], sizes[-1]
    print('ratio %d / %d TOMs (goal < 1.5):' % (hi, lo))
    for name, _ in routes:
        print('  %-18s p50 x%.2f   p99 x%.2f' % (name, results[hi][name][0] / results[lo][name][0],
                                                  results[hi][name][1] / results[lo][name][1]))
