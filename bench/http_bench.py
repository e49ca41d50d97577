#!/usr/bin/env python3
"""Server benchmark (issues 4 and 15): wrk, 64 connections, in one run against
  1. bare_server (bench/bare_server.cpp): bare Beast with the transport's threading model, the ceiling;
  2. tom's /health;
  3. reading one section with 100 answered items (an authenticated API route that evaluates the template's rules).
Prints each one's req/s, p50 and p99, and tom's routes as a share of the bare ceiling. tom runs with request
logging on: its stderr goes to a file, and the run checks that every request wrk saw answered was logged.
The client shares the machine's cores with the server: wrk runs one thread (TOM_BENCH_WRK_THREADS to change it).
Usage: http_bench.py TOM_BINARY [DB_URL] [SECONDS] [BARE_SERVER]   (BARE_SERVER: default bench/bare_server beside
TOM_BINARY)
"""
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import urllib.request

tom = sys.argv[1]
work = tempfile.mkdtemp(prefix='tom-http-bench-')
db = sys.argv[2] if len(sys.argv) > 2 and sys.argv[2] else os.path.join(work, 'bench.db')
seconds = sys.argv[3] if len(sys.argv) > 3 else '10'
label = 'PostgreSQL' if db.startswith('postgres') else 'SQLite'
bare = sys.argv[4] if len(sys.argv) > 4 else os.path.join(os.path.dirname(os.path.abspath(tom)), 'bench', 'bare_server')
wrk_threads = os.environ.get('TOM_BENCH_WRK_THREADS', '1')

subprocess.run([tom, '--db', db, 'init', '--demo'], check=True, stdout=subprocess.DEVNULL)
items = ['      - {id: R-%03d, kind: req, text: Requirement %d, obligation: must, party: supplier, choices: compliance}' % (i, i)
         for i in range(100)]
template = '\n'.join(['format: 1', 'id: bench100', 'family: bench', 'name: Benchmark TOM', 'version: "1"',
                      'parties:', '  - {id: supplier, name: Supplier, role: client-supplier}',
                      '  - {id: central, name: NHS Digital, role: central}',
                      'phases:', '  - {id: "1B", name: Technical conformance, approver: central}',
                      'vocabularies:', '  compliance: [Compliant, Semi-compliant, Non-compliant, N/a]',
                      'sections:', '  - id: reqs', '    title: Requirements', '    kind: requirements',
                      '    parties: [supplier]', '    phases: ["1B"]', '    items:'] + items + [
    'rules:', '  - id: must-nc', '    description: Non-compliant must', '    each: {section_kind: requirements, obligation: must}',
    '    when: value == "Non-compliant"', '    finding: {kind: escalation, title: Submit to NHS Digital, role: central}']) + '\n'
open(os.path.join(work, 'bench100.yaml'), 'w').write(template)
subprocess.run([tom, '--db', db, 'template', 'add', os.path.join(work, 'bench100.yaml')], check=True, stdout=subprocess.DEVNULL)
values = ['Compliant', 'Semi-compliant', 'Non-compliant', 'N/a']
bundle = {'format': 'tom-assessment/1', 'assessment': {'template': 'bench100', 'template_version': '1', 'product': 'Bench'},
          'participants': [], 'findings': [], 'approvals': [],
          'answers': [{'item': 'R-%03d' % i, 'value': values[i % 4], 'note': 'evidence %d' % i} for i in range(100)]}
open(os.path.join(work, 'bundle.json'), 'w').write(json.dumps(bundle))
out = subprocess.run([tom, '--db', db, 'import', os.path.join(work, 'bundle.json')], check=True, capture_output=True, text=True).stdout
assessment = re.search(r'Imported assessment (\d+)', out).group(1)


def listening(cmd, **kw):
    """Starts a server that prints 'listening on http://HOST:PORT (...)' first; returns it and its port."""
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True, **kw)
    return proc, int(re.search(r':(\d+) ', proc.stdout.readline()).group(1))


def wrk(port, path, token=None):
    cmd = ['wrk', '-t' + wrk_threads, '-c64', '-d' + seconds + 's', '--latency', 'http://127.0.0.1:%d%s' % (port, path)]
    if token:
        cmd[1:1] = ['-H', 'Authorization: Bearer ' + token]
    text = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout

    def ms(q):
        m = re.search(q + r'%\s+([\d.]+)(us|ms|s)', text)
        return float(m.group(1)) * {'us': 0.001, 'ms': 1, 's': 1000}[m.group(2)]
    non2xx = re.search(r'Non-2xx or 3xx responses: (\d+)', text)
    return {'rps': float(re.search(r'Requests/sec:\s+([\d.]+)', text).group(1)), 'p50': ms('50'), 'p99': ms('99'),
            'bad': int(non2xx.group(1)) if non2xx else 0, 'n': int(re.search(r'(\d+) requests in', text).group(1))}


# 1. The ceiling, alone on the machine.
ceiling_server, bare_port = listening([bare, '0', '2'])
ceiling = wrk(bare_port, '/health')
ceiling_server.terminate()
ceiling_server.wait()

# 2, 3. tom, logging every request to a file.
log_path = os.path.join(work, 'serve.log')
log_file = open(log_path, 'w')
server, port = listening([tom, '--db', db, 'serve', '--listen', '127.0.0.1:0', '--threads', '2'], stderr=log_file)
base = 'http://127.0.0.1:%d' % port
req = urllib.request.Request(base + '/api/v1/session', data=json.dumps(
    {'email': 'admin@nhsdigital.example', 'password': 'demo-password-2026'}).encode(), headers={'Content-Type': 'application/json'})
resp = urllib.request.urlopen(req)
cookie = resp.headers['Set-Cookie'].split(';')[0]
csrf = json.loads(resp.read())['csrf_token']
req = urllib.request.Request(base + '/api/v1/tokens', data=json.dumps({'name': 'bench'}).encode(),
                             headers={'Content-Type': 'application/json', 'Cookie': cookie, 'X-CSRF-Token': csrf})
token = json.loads(urllib.request.urlopen(req).read())['token']
section = '/api/v1/assessments/%s/sections/reqs' % assessment
check = json.loads(urllib.request.urlopen(urllib.request.Request(base + section, headers={'Authorization': 'Bearer ' + token})).read())
assert sum(1 for i in check['items'] if i['answer']) == 100, 'the section should have 100 answers'

health = wrk(port, '/health')
sect = wrk(port, section, token)
server.terminate()
server.wait()
log_file.close()
logged = sum(1 for line in open(log_path) if '"msg":"request"' in line)

print('wrk -t%s, 64 connections, %ss each (%s); tom logs every request' % (wrk_threads, seconds, label))


def row(name, r):
    share = '   = %3.0f %% of bare' % (100.0 * r['rps'] / ceiling['rps']) if r is not ceiling else ''
    print('  %-26s %8.0f req/s   p50 %6.2f ms   p99 %6.2f ms   non-2xx %d%s' %
          (name, r['rps'], r['p50'], r['p99'], r['bad'], share))


row('bare Beast /health', ceiling)
row('/health', health)
row('section with 100 answers', sect)
print('  ratio section / health %.0f %% (issue 4: >= 50 %%); issue 15: /health >= 50 %% of bare, section >= 35 %% of bare,'
      ' section p99 < 10 ms (SQLite)' % (100.0 * sect['rps'] / health['rps']))
answered = health['n'] + sect['n']
print('  request log: %d lines for %d requests wrk saw answered%s' %
      (logged, answered, '' if logged >= answered else '   LINES MISSING'))
