#!/usr/bin/env python3
"""Spreadsheet benchmarks (issue 3), whole process each time:
  1. importing ers-api-tom-v1.2.xlsx: `tom import --dry-run` against openpyxl.load_workbook on the same file;
  2. exporting a 500-item assessment as .xlsx: `tom export` against openpyxl writing an equivalent workbook
     (500 rows x 9 columns, a dropdown on every answer cell, a protected sheet).
Usage: io_bench.py TOM_BINARY SHARED_DIR [RUNS]
"""
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

tom, shared = sys.argv[1], sys.argv[2]
runs = int(sys.argv[3]) if len(sys.argv) > 3 else 10
work = tempfile.mkdtemp(prefix='tom-io-bench-')
db = os.path.join(work, 'bench.db')
workbook = os.path.join(shared, 'tom-templates', 'ers-api-tom-v1.2.xlsx')


def timed(cmd):
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


subprocess.run([tom, '--db', db, 'init'], check=True, stdout=subprocess.DEVNULL)

# 1. Import.
ours = timed([tom, '--db', db, 'import', workbook, '--as', 'template', '--dry-run'])
theirs = timed(['/usr/bin/python3', '-c', 'import openpyxl, sys; openpyxl.load_workbook(sys.argv[1])', workbook])
print('import ers-api-tom-v1.2.xlsx   tom %.1f ms   openpyxl %.1f ms   ratio %.1fx (goal 20x)' %
      (ours * 1000, theirs * 1000, theirs / ours))

# 2. Export a 500-item assessment.
items = ['      - {id: R-%03d, kind: req, text: Requirement %d of the benchmark TOM, guidance: What good looks like for %d,'
         ' obligation: %s, party: supplier, choices: compliance}' % (i, i, i, 'must' if i % 3 else 'should')
         for i in range(500)]
template = '\n'.join([
    'format: 1', 'id: bench500', 'family: bench', 'name: Benchmark TOM with 500 items', 'version: "1"',
    'parties:', '  - {id: supplier, name: Supplier, role: client-supplier}', '  - {id: central, name: NHS Digital, role: central}',
    'phases:', '  - {id: "1B", name: Technical conformance, approver: central}',
    'vocabularies:', '  compliance: [Compliant, Semi-compliant, Non-compliant, N/a]',
    'sections:', '  - id: reqs', '    title: Requirements', '    kind: requirements', '    parties: [supplier]',
    '    phases: ["1B"]', '    items:'] + items) + '\n'
path = os.path.join(work, 'bench500.yaml')
open(path, 'w').write(template)
subprocess.run([tom, '--db', db, 'template', 'add', path], check=True, stdout=subprocess.DEVNULL)
values = ['Compliant', 'Semi-compliant', 'Non-compliant', 'N/a']
bundle = {'format': 'tom-assessment/1',
          'assessment': {'template': 'bench500', 'template_version': '1', 'product': 'Bench'},
          'participants': [], 'findings': [], 'approvals': [],
          'answers': [{'item': 'R-%03d' % i, 'value': values[i % 4], 'note': 'Evidence in document %d' % i} for i in range(500)]}
bpath = os.path.join(work, 'bundle.json')
json.dump(bundle, open(bpath, 'w'))
subprocess.run([tom, '--db', db, 'import', bpath, '--as', 'assessment'], check=True, stdout=subprocess.DEVNULL)
out = os.path.join(work, 'out.xlsx')
ours = timed([tom, '--db', db, 'export', '1', '--format', 'xlsx', '-o', out])
writer = r'''
import sys, openpyxl
from openpyxl.worksheet.datavalidation import DataValidation
wb = openpyxl.Workbook(); ws = wb.active; ws.title = "Requirements"
ws.append(["ID", "Item", "Guidance", "Actioned By", "Obligation", "Response", "Additional Notes / References", "Type", "Result"])
dv = DataValidation(type="list", formula1='"Compliant,Semi-compliant,Non-compliant,N/a"'); ws.add_data_validation(dv)
values = ["Compliant", "Semi-compliant", "Non-compliant", "N/a"]
for i in range(500):
    ws.append(["R-%03d" % i, "Requirement %d of the benchmark TOM" % i, "What good looks like for %d" % i, "Supplier",
               "Must" if i % 3 else "Should", values[i % 4], "Evidence in document %d" % i, "Req", ""])
    dv.add("F%d" % (i + 2))
ws.protection.sheet = True
wb.save(sys.argv[1])
'''
theirs = timed(['/usr/bin/python3', '-c', writer, os.path.join(work, 'openpyxl.xlsx')])
print('export 500-item assessment    tom %.1f ms   openpyxl %.1f ms   ratio %.1fx (goal 10x)' %
      (ours * 1000, theirs * 1000, theirs / ours))
