#!/usr/bin/env python3
"""Server benchmark (issue 4): wrk, 64 connections, against /health and against reading one section with 100
answered items (an authenticated API route that evaluates the template's rules). Prints req/s and p99 of both and
their ratio. Usage: http_bench.py TOM_BINARY [DB_URL] [SECONDS]
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

server = subprocess.Popen([tom, '--db', db, 'serve', '--listen', '127.0.0.1:0', '--threads', '2'],
                          stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
port = int(re.search(r':(\d+) ', server.stdout.readline()).group(1))
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


def wrk(path, auth):
    cmd = ['wrk', '-t2', '-c64', '-d' + seconds + 's', '--latency', base + path]
    if auth:
        cmd[1:1] = ['-H', 'Authorization: Bearer ' + token]
    text = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r'Requests/sec:\s+([\d.]+)', text).group(1))
    m = re.search(r'99%\s+([\d.]+)(us|ms|s)', text)
    p99 = float(m.group(1)) * {'us': 0.001, 'ms': 1, 's': 1000}[m.group(2)]
    non2xx = re.search(r'Non-2xx or 3xx responses: (\d+)', text)
    return rps, p99, int(non2xx.group(1)) if non2xx else 0


h_rps, h_p99, h_bad = wrk('/health', False)
s_rps, s_p99, s_bad = wrk(section, True)
server.terminate()
server.wait()
print('wrk %s, 64 connections, %ss each (%s)' % ('-t2', seconds, label))
print('  /health                      %8.0f req/s   p99 %6.2f ms   non-2xx %d' % (h_rps, h_p99, h_bad))
print('  section with 100 answers     %8.0f req/s   p99 %6.2f ms   non-2xx %d' % (s_rps, s_p99, s_bad))
print('  ratio section / health       %7.0f%%   (goal >= 50%%; section p99 goal < 10 ms on SQLite)' % (100.0 * s_rps / h_rps))
