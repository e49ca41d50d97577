// Commands over the template library: init, template, rules, import.
#include <fstream>

#include "app/views.hpp"
#include "cli/context.hpp"
#include "domain/template_diff.hpp"
#include "io/assessment_json.hpp"
#include "io/bundled.hpp"
#include "io/template_file.hpp"
#include "io/template_json.hpp"
#include "io/tom_import/template_import.hpp"
#include "rules/rule_test.hpp"

namespace tom::cli {

namespace json = boost::json;
using namespace tom::domain;

namespace {

const char* kInitHelp = R"(Usage: tom init [--demo]
Creates the database (or brings its schema up to date) and adds the bundled templates.
  --demo   also create demo organisations and assessments at different stages
)";

const char* kTemplateHelp = R"(Usage:
  tom template list [--json]
  tom template show ID[@VERSION] [--json]     sections and items (with --json: the canonical form)
  tom template add FILE                       validate a YAML template file and add it
  tom template validate FILE                  validate only; nothing is written
  tom template diff ID1[@V] ID2[@V] [--json]  items added, removed and changed, by id
)";

const char* kRulesHelp = R"(Usage: tom rules test FILE...
Runs rule test files (see tests/rules/README.md). A file's template is a bundled template id (looked up in the
binary) or a path to a template file. Needs no database. Exit 0 when every expectation holds.
)";

const char* kImportHelp = R"(Usage: tom import FILE... [--as template|assessment] [--template ID[@VERSION]]
                  [--id ID] [--version VERSION] [--dry-run]
Imports TOM workbooks (.xlsx, .xls), template files (.yaml) and assessment files (.json from `tom export`).
  --as template     a workbook (blank or filled in) becomes a new template; --id/--version override the cover's
  --as assessment   a filled-in workbook becomes an assessment of --template (default: the workbook's own
                    template when it was exported by tom)
  --dry-run         check and report only; nothing is written
Every file is read and checked completely before anything is written; a file with problems writes nothing and the
problems are listed with sheet and row. Rows that could not be mapped are listed too.
)";

bool wants_help(const std::vector<std::string>& a) {
  for (const auto& s : a)
    if (s == "--help" || s == "-h") return true;
  return false;
}

Result<Template> bundled_template(const std::string& id) {
  for (const auto& f : io::bundled_templates()) {
    auto t = io::parse_template_yaml(f.text, std::string("bundled:") + std::string(f.name));
    if (t.ok() && t->id == id) return t;
  }
  return Error::not_found("no bundled template '" + id + "'");
}

std::string obligation_label(Obligation o) {
  switch (o) {
    case Obligation::kMust:
      return "MUST";
    case Obligation::kShould:
      return "SHOULD";
    case Obligation::kMay:
      return "MAY";
    default:
      return "";
  }
}

}  // namespace

Status add_bundled_templates(Context& ctx) {
  for (const auto& f : io::bundled_templates()) {
    TOM_ASSIGN(Template t, io::parse_template_yaml(f.text, std::string("bundled:") + std::string(f.name)));
    TOM_TRY(ctx.workbench->add_template(t, ctx.operator_caller()));
  }
  return ok_status();
}

int cmd_init(Context& ctx, const std::vector<std::string>& argv) {
  if (wants_help(argv)) return ctx.out << kInitHelp, kExitOk;
  auto args = parse_args(argv, {{}, {"--demo"}, {}});
  if (!args) return ctx.usage(args.error().message, kInitHelp);
  if (!args->positional.empty()) return ctx.usage("init takes no arguments", kInitHelp);
  if (auto st = ctx.open(); !st) return ctx.fail(st.error());
  if (auto st = add_bundled_templates(ctx); !st) return ctx.fail(st.error());
  ctx.out << "Database ready: " << ctx.db << " (" << ctx.workbench->database_kind() << ")\n";
  ctx.out << "Audit key: " << ctx.audit_key
          << " (keep a copy elsewhere; every server of this database needs it)\n";
  auto list = app::list_templates(*ctx.workbench);
  if (list) ctx.out << list->size() << " templates in the library\n";
  if (args->flag("--demo")) {
    if (auto st = create_demo(ctx); !st) return ctx.fail(st.error());
  }
  return kExitOk;
}

int cmd_template(Context& ctx, const std::vector<std::string>& argv) {
  if (argv.empty() || wants_help(argv)) return ctx.out << kTemplateHelp, argv.empty() ? kExitUsage : kExitOk;
  auto args = parse_args(std::vector<std::string>(argv.begin() + 1, argv.end()), {{}, {"--json"}, {}});
  if (!args) return ctx.usage(args.error().message, kTemplateHelp);
  const std::string& sub = argv[0];
  const auto& pos = args->positional;

  if (sub == "validate") {
    if (pos.size() != 1) return ctx.usage("template validate takes one FILE", kTemplateHelp);
    auto t = io::load_template_file(pos[0]);
    if (!t) return ctx.fail(t.error());
    ctx.out << pos[0] << ": valid (" << t->ref() << ", " << t->sections.size() << " sections, "
            << t->item_count() << " items, " << t->rules.size() << " rules)\n";
    return kExitOk;
  }
  if (auto st = ctx.open(); !st) return ctx.fail(st.error());
  if (sub == "list") {
    auto list = app::list_templates(*ctx.workbench);
    if (!list) return ctx.fail(list.error());
    if (args->flag("--json")) {
      json::array a;
      for (const auto& t : *list)
        a.push_back(json::object{{"id", t.id},
                                 {"version", t.version},
                                 {"name", t.name},
                                 {"family", t.family},
                                 {"sections", t.sections},
                                 {"items", t.items},
                                 {"created_at", t.created_at}});
      print_json(ctx.out, a);
      return kExitOk;
    }
    for (const auto& t : *list)
      ctx.out << t.id << "@" << t.version << "  " << t.name << "  (" << t.sections << " sections, " << t.items
              << " items)\n";
    if (list->empty()) ctx.out << "No templates. Run `tom init` to add the bundled ones.\n";
    return kExitOk;
  }
  if (sub == "show") {
    if (pos.size() != 1) return ctx.usage("template show takes one ID", kTemplateHelp);
    auto loaded = ctx.workbench->load_template_ref(pos[0]);
    if (!loaded) return ctx.fail(loaded.error());
    const Template& t = *loaded->tmpl;
    if (args->flag("--json")) {
      print_json(ctx.out, io::template_to_json(t));
      return kExitOk;
    }
    ctx.out << t.name << " (" << t.ref() << ")\n";
    if (!t.description.empty()) ctx.out << t.description << "\n";
    ctx.out << "Parties:";
    for (const auto& p : t.parties) ctx.out << " " << p.id << " (" << p.name << ")";
    ctx.out << "\nPhases:";
    for (const auto& p : t.phases)
      ctx.out << " " << p.id << " " << p.name << " [approver " << p.approver << "]";
    ctx.out << "\n";
    for (const auto& s : t.sections) {
      ctx.out << "\n== " << s.title << " [" << s.id << "; " << to_string(s.kind) << "; phases";
      for (const auto& p : s.phases) ctx.out << " " << p;
      ctx.out << "]\n";
      for (const auto& i : s.items) {
        ctx.out << "  " << i.id << "  " << to_string(i.kind);
        if (i.obligation != Obligation::kNone) ctx.out << " " << obligation_label(i.obligation);
        ctx.out << "  [" << i.party << "]  " << i.text;
        if (const Vocabulary* v = t.vocabulary_of(i)) {
          ctx.out << "  {";
          for (size_t k = 0; k < v->values.size(); ++k) ctx.out << (k ? " | " : "") << v->values[k];
          ctx.out << "}";
        }
        if (!i.applies_when.empty()) ctx.out << "  (when " << i.applies_when << ")";
        ctx.out << "\n";
      }
    }
    return kExitOk;
  }
  if (sub == "add") {
    if (pos.empty()) return ctx.usage("template add takes FILE...", kTemplateHelp);
    int rc = kExitOk;
    for (const auto& file : pos) {
      auto t = io::load_template_file(file);
      if (!t) {
        rc = ctx.fail(t.error());
        continue;
      }
      if (auto st = ctx.workbench->add_template(*t, ctx.operator_caller()); !st) {
        rc = ctx.fail(st.error());
        continue;
      }
      ctx.out << "Added " << t->ref() << " (" << t->sections.size() << " sections, " << t->item_count()
              << " items, " << t->rules.size() << " rules)\n";
    }
    return rc;
  }
  if (sub == "diff") {
    if (pos.size() != 2) return ctx.usage("template diff takes two IDs", kTemplateHelp);
    auto a = ctx.workbench->load_template_ref(pos[0]);
    if (!a) return ctx.fail(a.error());
    auto b = ctx.workbench->load_template_ref(pos[1]);
    if (!b) return ctx.fail(b.error());
    TemplateDiff d = diff_templates(*a->tmpl, *b->tmpl);
    if (args->flag("--json")) {
      print_json(ctx.out, app::diff_json(d));
      return kExitOk;
    }
    ctx.out << a->tmpl->ref() << " -> " << b->tmpl->ref() << ": " << d.added.size() << " added, "
            << d.removed.size() << " removed, " << d.changed.size() << " changed, " << d.unchanged.size()
            << " unchanged\n";
    for (const auto& id : d.added) ctx.out << "+ " << id << "  " << b->tmpl->find_item(id)->text << "\n";
    for (const auto& id : d.removed) ctx.out << "- " << id << "  " << a->tmpl->find_item(id)->text << "\n";
    for (const auto& c : d.changed) {
      ctx.out << "~ " << c.item_id << "  (";
      for (size_t k = 0; k < c.fields.size(); ++k) ctx.out << (k ? ", " : "") << c.fields[k];
      ctx.out << ")\n";
    }
    return kExitOk;
  }
  return ctx.usage("unknown template command '" + sub + "'", kTemplateHelp);
}

int cmd_rules(Context& ctx, const std::vector<std::string>& argv) {
  if (argv.empty() || wants_help(argv) || argv[0] != "test")
    return ctx.out << kRulesHelp,
           (argv.empty() || argv[0] != "test") && !wants_help(argv) ? kExitUsage : kExitOk;
  std::vector<std::string> files(argv.begin() + 1, argv.end());
  if (files.empty()) return ctx.usage("rules test takes FILE...", kRulesHelp);
  size_t passed = 0, failed = 0;
  std::map<std::string, std::shared_ptr<const rules::RuleSet>> compiled;
  for (const auto& file : files) {
    auto text = read_file_limited(file, 4 * 1024 * 1024);
    if (!text) {
      ctx.fail(text.error());
      ++failed;
      continue;
    }
    auto tests = rules::parse_rule_tests(*text, file);
    if (!tests) {
      ctx.fail(tests.error());
      ++failed;
      continue;
    }
    auto& rs = compiled[tests->template_ref];
    if (!rs) {
      bool is_path = tests->template_ref.find('/') != std::string::npos ||
                     tests->template_ref.find(".yaml") != std::string::npos;
      auto t = is_path ? io::load_template_file(tests->template_ref) : bundled_template(tests->template_ref);
      if (!t) {
        ctx.fail(t.error());
        ++failed;
        continue;
      }
      auto c = rules::RuleSet::compile(std::make_shared<const Template>(std::move(t).value()));
      if (!c) {
        ctx.fail(c.error());
        ++failed;
        continue;
      }
      rs = std::make_shared<const rules::RuleSet>(std::move(c).value());
    }
    auto outcome = rules::run_rule_tests(*tests, *rs);
    for (const auto& f : outcome.failures) ctx.err << "FAIL " << f << "\n";
    passed += outcome.passed;
    failed += outcome.failed;
  }
  ctx.out << passed << " passed, " << failed << " failed\n";
  return failed == 0 ? kExitOk : kExitNegative;
}

namespace {

void print_notes(Context& ctx, const std::vector<io::tom_import::ImportNote>& notes) {
  if (notes.empty()) return;
  ctx.out << "  Not mapped (" << notes.size() << "):\n";
  for (const auto& n : notes)
    ctx.out << "    sheet '" << n.sheet << "'" << (n.row > 0 ? ", row " + std::to_string(n.row) : "") << ": "
            << n.message << "\n";
}

int import_workbook(Context& ctx, const std::string& file, const std::string& kind, const Args& args) {
  auto wb = io::workbook::read_workbook_file(file);
  if (!wb) return ctx.fail(wb.error());
  if (kind == "template") {
    auto imported =
        io::tom_import::import_template(*wb, file, {args.value("--id"), args.value("--version"), ""});
    if (!imported) return ctx.fail(imported.error());
    const Template& t = imported->tmpl;
    size_t reqs = 0;
    for (const auto& s : t.sections)
      for (const auto& i : s.items) reqs += i.kind == ItemKind::kReq;
    ctx.out << (args.flag("--dry-run") ? "Checked " : "Imported ") << "template " << t.ref() << " from "
            << file << ": " << t.sections.size() << " sections, " << t.item_count() << " items (" << reqs
            << " requirements), " << t.vocabularies.size() << " vocabularies, " << t.rules.size()
            << " rules\n";
    print_notes(ctx, imported->notes);
    if (args.flag("--dry-run")) return kExitOk;
    if (auto st = ctx.workbench->add_template(t, ctx.operator_caller()); !st) return ctx.fail(st.error());
    return kExitOk;
  }
  std::string ref = args.value("--template");
  if (ref.empty()) {
    // Workbooks exported by tom say which template they follow.
    if (const auto* meta = wb->find_sheet("_tom"))
      for (int r = 0; r <= meta->max_row(); ++r)
        if (meta->text(r, 0) == "template") ref = meta->text(r, 1) + "@" + meta->text(r + 1, 1);
  }
  if (ref.empty())
    return ctx.fail(Error::invalid("say which template the workbook answers: --template ID[@VERSION]"));
  auto loaded = ctx.workbench->load_template_ref(ref);
  if (!loaded) return ctx.fail(loaded.error());
  auto imported = io::tom_import::import_assessment(*wb, file, *loaded->tmpl);
  if (!imported) return ctx.fail(imported.error());
  print_notes(ctx, imported->notes);
  if (args.flag("--dry-run")) {
    ctx.out << "Checked " << file << ": " << imported->bundle.answers.size() << " answers for "
            << loaded->tmpl->ref() << "\n";
    return kExitOk;
  }
  auto a = ctx.workbench->import_bundle(imported->bundle, ctx.user);
  if (!a) return ctx.fail(a.error());
  ctx.out << "Imported assessment " << a->id << " (" << a->product << ", " << imported->bundle.answers.size()
          << " answers, " << imported->bundle.approvals.size() << " approvals) from " << file << "\n";
  return kExitOk;
}

}  // namespace

int cmd_import(Context& ctx, const std::vector<std::string>& argv) {
  if (wants_help(argv)) return ctx.out << kImportHelp, kExitOk;
  auto args = parse_args(argv, {{"--as", "--template", "--id", "--version"}, {"--dry-run"}, {}});
  if (!args) return ctx.usage(args.error().message, kImportHelp);
  if (args->positional.empty()) return ctx.usage("import takes FILE...", kImportHelp);
  std::string as = args->value("--as");
  if (!as.empty() && as != "template" && as != "assessment")
    return ctx.usage("--as must be template or assessment", kImportHelp);
  // A dry run of workbook templates needs no database; everything else does.
  bool needs_store = !args->flag("--dry-run") || as == "assessment";
  if (needs_store)
    if (auto st = ctx.open(); !st) return ctx.fail(st.error());
  int rc = kExitOk;
  size_t n = args->positional.size(), k = 0;
  for (const auto& file : args->positional) {
    ++k;
    if (n > 1) ctx.out << "[" << k << "/" << n << "] " << file << "\n";
    std::string kind = as;
    auto ends_with = [&](const char* ext) {
      std::string e = ext;
      return file.size() >= e.size() && file.compare(file.size() - e.size(), e.size(), e) == 0;
    };
    bool workbook = ends_with(".xlsx") || ends_with(".xls") || ends_with(".XLSX") || ends_with(".XLS");
    if (kind.empty()) kind = ends_with(".yaml") || ends_with(".yml") || workbook ? "template" : "assessment";
    if (!workbook) {
      auto head = read_file_limited(file, 200ull * 1024 * 1024);
      workbook = head.ok() && head->size() >= 4 &&
                 (head->compare(0, 4, "PK\x03\x04") == 0 || head->compare(0, 4, "\xD0\xCF\x11\xE0") == 0);
    }
    if (workbook) {
      if (!ctx.opened() && kind != "template")
        if (auto st = ctx.open(); !st) return ctx.fail(st.error());
      rc = std::max(rc, import_workbook(ctx, file, kind, *args));
      continue;
    }
    if (!ctx.opened())
      if (auto st = ctx.open(); !st) return ctx.fail(st.error());
    if (kind == "template") {
      auto t = io::load_template_file(file);
      if (!t) {
        rc = ctx.fail(t.error());
        continue;
      }
      if (auto st = ctx.workbench->add_template(*t, ctx.operator_caller()); !st) {
        rc = ctx.fail(st.error());
        continue;
      }
      ctx.out << "Imported template " << t->ref() << "\n";
    } else {
      auto text = read_file_limited(file, 64 * 1024 * 1024);
      if (!text) {
        rc = ctx.fail(text.error());
        continue;
      }
      auto bundle = io::assessment_bundle_from_json(*text, file);
      if (!bundle) {
        rc = ctx.fail(bundle.error());
        continue;
      }
      auto a = ctx.workbench->import_bundle(*bundle, ctx.user);
      if (!a) {
        rc = ctx.fail(a.error());
        continue;
      }
      ctx.out << "Imported assessment " << a->id << " (" << a->product << ", " << bundle->answers.size()
              << " answers)\n";
    }
  }
  return rc;
}

}  // namespace tom::cli
