// The assessment overview, section pages (viewing and saving answers) and the history.
#include <algorithm>

#include "app/views.hpp"
#include "core/clock.hpp"
#include "domain/next_steps.hpp"
#include "domain/workflow.hpp"
#include "web/pages.hpp"
#include "web/words.hpp"

namespace tom::web {

namespace {

// "3 of 12 answered", or "Nothing to answer" for a section with no required items (never "0 of 0").
std::string progress_text(size_t answered, size_t required) {
  if (required == 0) return "Nothing to answer";
  return std::to_string(answered) + " of " + std::to_string(required) + " answered";
}

const char* result_tag(const std::string& value) {
  if (value == "PASS") return "nhsuk-tag--green";
  if (value == "FAIL") return "nhsuk-tag--red";
  if (value == "CHECK") return "nhsuk-tag--orange";
  return "nhsuk-tag--blue";
}

Data result_data(const ResultView& v) {
  Data x = object();
  x.set("name", v.name);
  x.set("description", opt(v.description == v.name ? "" : v.description));
  x.set("value", v.value.empty() ? "Not known yet" : v.value);
  x.set("known", !v.value.empty());
  x.set("result_tag", result_tag(v.value));
  x.set("because", opt(v.because));
  return x;
}

}  // namespace

Response Pages::overview(Request& r, Session& s) {
  Response fail;
  auto l = load(r, s, &fail);
  if (!l) return fail;
  const Template& t = *l->tmpl.tmpl;
  const Assessment& a = l->assessment;
  auto report = wb_.check_cached(a.id, l->revision);
  if (!report) return error_page(503, "Sorry, there is a problem with the service", "Try again later.", &s);
  const auto& rep = **report;
  Data d = base(a.product, &s);
  d.set("breadcrumbs", crumbs({{"/", "Your assessments"}}));
  d.set("id", std::to_string(a.id));
  d.set("product", a.product);
  d.set("product_version", opt(a.product_version));
  d.set("title", opt(a.title));
  d.set("template_name", t.name + " (" + t.version + ")");
  // The task list: each section's status for the parties the viewer's organisation plays, who answers it
  // and how far everyone has got.
  Data sections = list();
  auto tasks = app::task_list(rep, s.auth.caller);
  size_t i = 0, yours = 0, yours_done = 0;
  bool waiting_on_custody = false;
  for (const auto& sec : t.sections) {
    const auto& p = rep.completeness.sections[i];
    const auto& task = tasks[i++];
    if (p.required == 0 && sec.kind == SectionKind::kCover) continue;
    Data row = object();
    row.set("assessment", std::to_string(a.id));
    row.set("id", sec.id);
    row.set("title", sec.title.empty() ? sec.id : sec.title);
    std::vector<std::string> owner_names;
    for (const auto& owner : task.owners) owner_names.push_back(party_name(t, owner));
    std::string owners = list_in_words(owner_names);
    std::string hint = p.required == 0 || owners.empty()
                           ? std::string("Nothing to answer.")
                           : "Answered by " + owners + ". " + progress_text(p.answered, p.required) + ".";
    if (task.required > 0 && task.required != p.required)
      hint += " Yours: " + std::to_string(task.answered) + " of " + std::to_string(task.required) + ".";
    waiting_on_custody = waiting_on_custody || task.status == TaskStatus::kCannotStartYet;
    row.set("hint", hint);
    row.set("status", to_string(task.status));
    // As the NHS.UK task list shows them: what is left to do tagged blue, the rest as plain (grey) text.
    bool todo = task.status == TaskStatus::kNotStarted || task.status == TaskStatus::kInProgress;
    row.set("todo", todo);
    row.set("muted", task.status == TaskStatus::kCannotStartYet || task.status == TaskStatus::kNotYours);
    if (task.required > 0) {
      ++yours;
      yours_done += task.status == TaskStatus::kCompleted;
    }
    sections.push_back(row);
  }
  d.set("sections", sections);
  d.set("tasks_summary",
        yours == 0
            ? std::string("Your organisation has nothing to answer in this TOM.")
            : "Your organisation has completed " + std::to_string(yours_done) + " of " +
                  std::to_string(yours) + (yours == 1 ? " section." : " sections.") +
                  (waiting_on_custody ? " The TOM is with " + party_name(t, a.custodian) +
                                            " now: what cannot start yet opens when it is handed to you."
                                      : ""));
  d.set("custodian_name", party_name(t, a.custodian));
  Data custody = list();
  for (const auto& pid : t.custody) {
    Data c = object();
    c.set("name", party_name(t, pid));
    c.set("current", pid == a.custodian);
    custody.push_back(c);
  }
  d.set("custody", custody);
  auto phases = (*report)->phases();
  Data ph = list();
  for (const auto& p : phases) {
    Data x = object();
    x.set("phase", p.phase->id);
    x.set("name", p.phase->name);
    x.set("state", to_string(p.state));
    x.set("tag_class", tag_class(to_string(p.state)));
    ph.push_back(x);
  }
  d.set("phases", ph);
  std::vector<GateFinding> gf;
  int open = 0, settled = 0;
  for (const auto& f : app::merge_findings(rep, wb_.clock().today())) {
    bool done = f.status == "accepted" || f.status == "resolved";
    (done ? settled : open)++;
    gf.push_back({f.key, f.kind, f.title, done});
  }
  d.set("findings_open", std::to_string(open));
  d.set("findings_settled", std::to_string(settled));
  Gate g = go_live_gate(t, phases, rep.answers, gf);
  d.set("gate_open", g.open);
  Data reasons = list();
  for (const auto& x : g.reasons) reasons.push_back(Data(keys_in_words(t, x)));
  d.set("gate_reasons", reasons);
  // The TOM's computed results: the overall ones (IG result, clinical-safety sign-off level...) first, then
  // every result they are built from.
  Data overall = list(), parts_of = list();
  for (const auto& v : result_views(t, rep.evaluation))
    (v.overall ? overall : parts_of).push_back(result_data(v));
  d.set("has_results", overall.is_non_empty_list());
  d.set("results", overall);
  d.set("has_result_parts", parts_of.is_non_empty_list());
  d.set("result_parts", parts_of);
  d.set("next", next_steps(t, a, whats_waiting(t, a, phases, rep.completeness), rep.completeness, s));
  Data parts = list();
  for (const auto& p : app::participants(wb_, a)) {
    Data x = object();
    x.set("party", party_name(t, p.party));
    x.set("organisation", p.organisation.name);
    x.set("ods", opt(p.organisation.ods_code));
    x.set("has_ods", !p.organisation.ods_code.empty());
    parts.push_back(x);
  }
  d.set("participants", parts);
  auto mine = parties_of(s.auth.caller, a);
  d.set("can_hand_on", std::find(mine.begin(), mine.end(), a.custodian) != mine.end());
  d.set("can_reuse", !phases.empty() && phases.back().state == PhaseState::kApproved);
  return html(200, render_page("assessment", d));
}

Pages::SectionBody Pages::section_body(
    const api::Loaded& l, const app::SectionView& view, const Caller& caller,
    const std::map<std::string, ItemProblem>& problems,
    const std::map<std::string, std::pair<std::string, std::string>>& submitted, Data& errors) {
  const Template& t = *view.report->loaded.tmpl;
  const Section& sec = *view.section;
  SectionBody body;
  body.answered = view.answered;
  body.required = view.required;
  std::string prev_group;
  AnswerCheck check(caller, t, l.assessment);
  for (const auto& iv : view.items) {
    const Item& item = *iv.item;
    std::string value = iv.answer ? iv.answer->value : "";
    std::string note = iv.answer ? iv.answer->note : "";
    int64_t version = iv.answer ? iv.answer->version : 0;
    bool editable = check.may_answer(item);
    body.any_editable = body.any_editable || editable;
    bool group_start = item.group != prev_group && !item.group.empty();
    prev_group = item.group;
    auto prob = problems.find(item.id);
    auto sub = submitted.find(item.id);
    // Each item's HTML depends only on what goes into this key: it is reused while that is unchanged, so a
    // write re-renders only the items it affected.
    std::string key;
    if (prob == problems.end() && sub == submitted.end()) {
      key = std::to_string(l.assessment.id) + '\x1f' + item.id + '\x1f' + (editable ? '1' : '0') + '\x1f' +
            std::to_string(version) + '\x1f' + value + '\x1f' + note + '\x1f' + iv.missing + '\x1f' +
            (iv.in_scope ? "i" : "o") + '\x1f' + (group_start ? item.group : "");
      for (const auto* f : iv.results) key += '\x1f' + f->explanation;
      if (auto hit = item_html_.get(key)) {
        body.items_html += *hit;
        continue;
      }
    }
    Data x = object();
    x.set("id", item.id);
    x.set("text", item.text);
    x.set("guidance", opt(item.guidance));
    x.set("party", party_name(t, item.party));
    x.set("obligation", opt(item.obligation == Obligation::kNone     ? ""
                            : item.obligation == Obligation::kMust   ? "Must"
                            : item.obligation == Obligation::kShould ? "Should"
                                                                     : "May"));
    if (group_start) x.set("group_start", opt(item.group));
    x.set("out_of_scope", !iv.in_scope);
    x.set("answerable", item.answerable());
    x.set("editable", editable);
    // After a failed save the person's own input is shown again; the stored version stays the one they edited
    // unless it changed meanwhile (then they see both, and save against the new version).
    std::string shown_value = sub != submitted.end() ? sub->second.first : value;
    std::string shown_note = sub != submitted.end() ? sub->second.second : note;
    x.set("value", opt(shown_value));
    x.set("note", opt(shown_note));
    x.set("version", std::to_string(version));
    if (!iv.missing.empty() && item.answerable()) x.set("missing", opt(iv.missing));
    if (prob != problems.end()) {
      if (prob->second.conflict) {
        x.set("conflict", true);
        x.set("conflict_by", person_name(prob->second.theirs.author));
        x.set("conflict_value", prob->second.theirs.value);
        x.set("conflict_note", opt(prob->second.theirs.note));
        x.set("mine", prob->second.mine);
      }
      std::string msg = prob->second.conflict
                            ? item.id + " was changed by someone else: choose the answer to keep"
                            : prob->second.error;
      x.set("error", msg);
      Data e = object();
      e.set("field", "item-" + item.id);
      e.set("message", msg);
      errors.push_back(e);
    }
    const Vocabulary* v = t.vocabulary_of(item);
    bool radios = v && v->values.size() <= 5;
    x.set("is_radios", editable && radios);
    x.set("is_select", editable && v && !radios);
    x.set("is_text", editable && !v);
    x.set("is_date", item.answer == AnswerType::kDate);
    Data choices = list();
    if (v) {
      int n = 0;
      for (const auto& c : v->values) {
        Data ch = object();
        ch.set("item", opt(item.id));
        ch.set("n", std::to_string(++n));
        ch.set("value", opt(c));
        ch.set("checked", c == shown_value);
        choices.push_back(ch);
      }
    }
    x.set("choices", choices);
    Data res = list();
    for (const auto* f : iv.results) {
      Data rr = object();
      rr.set("kind", to_string(f->spec.kind));
      std::string title = f->spec.title.empty() ? f->description : f->spec.title;
      std::string because = because_in_words(t, f->reads);
      rr.set("explanation", keys_in_words(t, title) + (because.empty() ? "" : ". " + because));
      res.push_back(rr);
    }
    x.set("results", res);
    std::string fragment = render("section_item", x);
    if (!key.empty())
      item_html_.put(key, std::make_shared<const std::string>(fragment), key.size() + fragment.size() + 96);
    body.items_html += fragment;
  }
  std::set<std::string> ids;
  for (const auto& item : sec.items) ids.insert(item.id);
  for (auto& v : result_views(t, view.report->evaluation))
    if (std::any_of(v.items.begin(), v.items.end(), [&](const std::string& i) { return ids.count(i) > 0; }))
      body.results.push_back(std::move(v));
  return body;
}

Response Pages::section(Request& r, Session& s, const std::map<std::string, ItemProblem>& problems,
                        const std::map<std::string, std::pair<std::string, std::string>>& submitted,
                        int status, const std::string& notice) {
  Response fail;
  auto l = load(r, s, &fail);
  if (!l) return fail;
  const Template& t = *l->tmpl.tmpl;
  const Section* sec = t.find_section(r.params["section"]);
  if (!sec) return error_page(404, "Page not found", "This TOM has no such section.", &s);
  Data d = base(sec->title, &s);
  d.set("breadcrumbs", crumbs({{"/", "Your assessments"},
                               {"/assessments/" + std::to_string(l->assessment.id), l->assessment.product}}));
  d.set("assessment", std::to_string(l->assessment.id));
  d.set("section", sec->id);
  d.set("section_title", sec->title);
  d.set("description", opt(sec->description));
  d.set("product", l->assessment.product);
  d.set("custodian", party_name(t, l->assessment.custodian));
  if (!notice.empty()) d.set("notice", notice);
  // After a save (a redirect here with ?saved=N): say so.
  if (auto saved = r.query.find("saved"); saved != r.query.end() && problems.empty()) {
    const std::string& n = saved->second;
    if (n == "0")
      d.set("success", "Nothing was changed, so nothing needed saving.");
    else if (!n.empty() && n.size() < 6 && n.find_first_not_of("0123456789") == std::string::npos)
      d.set("success", n == "1" ? "Your answer was saved." : "Your " + n + " answers were saved.");
  }
  auto view = app::section_view(wb_, *l, sec->id);
  if (!view) return failure_page(view.error(), s);
  bool plain_view = problems.empty() && submitted.empty();
  std::string cache_key;
  std::optional<SectionBody> body;
  if (plain_view) {
    cache_key = std::to_string(l->assessment.id) + "/" + sec->id + "/";
    AnswerCheck check(s.auth.caller, t, l->assessment);
    for (const auto& item : sec->items) cache_key += check.may_answer(item) ? '1' : '0';
    if (auto hit = bodies_.get(cache_key); hit && hit->first == *view) body = hit->second;
  }
  Data errors = list();
  if (!body) {
    body = section_body(*l, **view, s.auth.caller, problems, submitted, errors);
    if (plain_view)
      bodies_.put(cache_key,
                  std::make_shared<const std::pair<std::shared_ptr<const app::SectionView>, SectionBody>>(
                      *view, *body),
                  cache_key.size() + body->items_html.size() + 1024 + app::approx_bytes(*(*view)->report));
  }
  d.set("progress", body->required == 0 ? std::string("Nothing to answer in this section.")
                                        : std::to_string(body->answered) + " of " +
                                              std::to_string(body->required) + " required items answered.");
  d.set("items_html", body->items_html);
  d.set("any_editable", body->any_editable);
  d.set("errors", errors);
  d.set("has_errors", !problems.empty());
  // The overall results this section feeds (the IG result, the sign-off level...) first; what they are built
  // from behind a details element.
  Data derived = list(), parts = list();
  for (const auto& v : body->results) (v.overall ? derived : parts).push_back(result_data(v));
  d.set("has_derived", !body->results.empty());
  d.set("derived", derived);
  d.set("has_derived_parts", parts.is_non_empty_list());
  d.set("derived_parts", parts);
  return html(status, render_page("section", d));
}

Response Pages::save_section(Request& r, Session& s) {
  Response fail;
  auto l = load(r, s, &fail);
  if (!l) return fail;
  const Template& t = *l->tmpl.tmpl;
  const Section* sec = t.find_section(r.params["section"]);
  if (!sec) return error_page(404, "Page not found", "This TOM has no such section.", &s);
  Form f = parse_form(r.body);
  std::map<std::string, ItemProblem> problems;
  std::map<std::string, std::pair<std::string, std::string>> submitted;
  int saved = 0;
  for (const auto& item : sec->items) {
    if (!f.count("version." + item.id)) continue;  // not on the form the person had (not editable then)
    std::string value = field(f, "value." + item.id), note = field(f, "note." + item.id);
    if (value == field(f, "was." + item.id) && note == field(f, "wasnote." + item.id)) continue;  // unchanged
    submitted[item.id] = {value, note};
    std::string vtext = field(f, "version." + item.id);
    int64_t version =
        vtext.empty() || vtext.size() > 18 || vtext.find_first_not_of("0123456789") != std::string::npos
            ? -2
            : std::stoll(vtext);
    if (version < 0) {
      problems[item.id].error = item.id + ": the form was damaged; reload the page";
      continue;
    }
    auto result = app::answer(wb_, s.auth.caller, *l, item.id, value, note, "", version);
    if (result) {
      ++saved;
      submitted.erase(item.id);
      continue;
    }
    ItemProblem& p = problems[item.id];
    if (result.error().code == ErrorCode::kConflict) {
      auto now = app::answers(wb_, *l);
      if (now && now->count(item.id)) p.theirs = now->at(item.id);
      p.conflict = true;
      p.mine = value;
    } else if (result.error().code == ErrorCode::kForbidden) {
      p.error = item.id + ": " + result.error().message;
    } else {
      p.error = result.error().message;
    }
  }
  if (problems.empty())
    return redirect("/assessments/" + std::to_string(l->assessment.id) + "/sections/" + sec->id +
                    "?saved=" + std::to_string(saved));
  return section(r, s, problems, submitted, 400,
                 saved > 0 ? std::to_string(saved) + " answers saved; the others need attention." : "");
}

Response Pages::history(Request& r, Session& s) {
  Response fail;
  auto l = load(r, s, &fail);
  if (!l) return fail;
  constexpr int64_t kPerPage = 200;
  domain::ListQuery q = list_request(r, kPerPage);
  auto events = app::history_page(wb_, *l, q, /*newest_first=*/true);
  if (!events) return failure_page(events.error(), s);
  Data d = assessment_page("History", *l, s);
  d.set("pagination_html",
        pagination(r, "/assessments/" + std::to_string(l->assessment.id) + "/history", events->prev_cursor,
                   events->next_cursor, static_cast<int64_t>(events->items.size()), events->total, q.limit,
                   "Nothing has been recorded yet."));
  std::vector<std::string> who;
  for (const auto& e : events->items) who.push_back(e.actor);
  auto names = people(who);
  Data rows = list();
  for (const auto& e : events->items) {
    EventWords w = event_in_words(e, *l->tmpl.tmpl, names);
    Data x = object();
    x.set("when", w.when);
    x.set("who", w.who);
    x.set("what", w.what);
    x.set("detail", opt(w.detail));
    rows.push_back(x);
  }
  d.set("has_events", rows.is_non_empty_list());
  d.set("events", rows);
  return html(200, render_page("history", d));
}

}  // namespace tom::web
