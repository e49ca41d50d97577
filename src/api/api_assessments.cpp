// Assessments: list, create, read, sections, answers (with optimistic concurrency) and the completeness
// check.
#include "api/api.hpp"
#include "app/views.hpp"
#include "core/clock.hpp"
#include "domain/workflow.hpp"

namespace tom::api {

using http::Request;
using http::Response;
using namespace tom::domain;

namespace {

std::string etag(int64_t version) {
  return "\"v" + std::to_string(version) + "\"";
}

// If-Match: "v3" -> 3; absent -> 0 (the caller saw no answer); anything else is a bad request.
Result<int64_t> if_match(const Request& r) {
  std::string v = r.header("if-match");
  if (v.empty()) return int64_t{0};
  if (v.rfind("W/", 0) == 0) v = v.substr(2);
  if (v.size() < 4 || v.front() != '"' || v.back() != '"' || v[1] != 'v')
    return Error::invalid("If-Match must be an ETag like \"v3\"");
  std::string n = v.substr(2, v.size() - 3);
  if (n.empty() || n.size() > 18 || n.find_first_not_of("0123456789") != std::string::npos)
    return Error::invalid("If-Match must be an ETag like \"v3\"");
  return static_cast<int64_t>(std::stoll(n));
}

}  // namespace

json::object Api::assessment_detail(Call& call, const Loaded& l) {
  const Template& t = *l.tmpl.tmpl;
  json::object o = app::assessment_json(l.assessment);
  json::array parts;
  for (const auto& p : app::participants(wb_, l.assessment))
    parts.push_back(json::object{{"party", p.party},
                                 {"organisation_id", p.organisation_id},
                                 {"organisation", p.organisation.name},
                                 {"ods_code", p.organisation.ods_code}});
  o["participants"] = std::move(parts);
  json::array custody;
  for (const auto& p : t.custody) custody.emplace_back(p);
  o["custody"] = std::move(custody);
  json::array mine;
  for (const auto& p : parties_of(call.caller(), l.assessment)) mine.emplace_back(p);
  o["your_parties"] = std::move(mine);
  o["template_name"] = t.name;
  auto report = check_of(l);
  if (report) {
    o["required"] = (*report)->completeness.required;
    o["answered"] = (*report)->completeness.answered;
    o["complete"] = (*report)->completeness.complete();
    auto phases = (*report)->phases();
    json::array ph;
    for (const auto& s : phases)
      ph.push_back(json::object{{"phase", s.phase->id},
                                {"name", s.phase->name},
                                {"state", to_string(s.state)},
                                {"changed_since_approval", app::changes_json(s.changed)}});
    o["phases"] = std::move(ph);
    std::vector<GateFinding> gf;
    for (const auto& f : app::merge_findings(**report, wb_.clock().today()))
      gf.push_back({f.key, f.kind, f.title, f.status == "accepted" || f.status == "resolved"});
    Gate g = go_live_gate(t, phases, (*report)->answers, gf);
    json::array reasons;
    for (const auto& r : g.reasons) reasons.emplace_back(r);
    o["gate"] = json::object{{"open", g.open}, {"reasons", reasons}};
  }
  return o;
}

// A section's JSON: everything but each item's `editable` flag is the same for every reader, so it is
// rendered once per section view (app::section_view, shared until anything is written) and reused.
http::Response Api::section(Call& call) {
  auto l = readable(call, "id");
  if (!l) return Response::error(l.error());
  auto view = app::section_view(wb_, *l, call.req.params["section"]);
  if (!view) return Response::error(view.error());
  const Template& t = *(*view)->report->loaded.tmpl;
  std::shared_ptr<const RenderedSection> rendered;
  auto key = std::make_pair(l->assessment.id, (*view)->section->id);
  if (auto kept = sections_.get(key); kept && kept->view == *view) rendered = kept;
  if (!rendered) {
    auto fresh = std::make_shared<RenderedSection>();
    fresh->view = *view;
    const Section& s = *(*view)->section;
    std::string head = json::serialize(json::object{
        {"id", s.id}, {"title", s.title}, {"kind", to_string(s.kind)}, {"description", s.description}});
    head.pop_back();  // reopen the object to append the items
    fresh->head = head + ",\"items\":[";
    for (const auto& iv : (*view)->items) {
      const Item& item = *iv.item;
      json::object o{{"id", item.id},
                     {"kind", to_string(item.kind)},
                     {"text", item.text},
                     {"guidance", item.guidance},
                     {"group", item.group},
                     {"party", item.party},
                     {"obligation", to_string(item.obligation)},
                     {"answer_type", to_string(item.answer)},
                     {"optional", item.optional}};
      json::array choices;
      if (const Vocabulary* v = t.vocabulary_of(item))
        for (const auto& c : v->values) choices.emplace_back(c);
      o["choices"] = std::move(choices);
      o["in_scope"] = iv.in_scope;
      o["answer"] = iv.answer ? json::value(app::answer_json(*iv.answer)) : json::value(nullptr);
      o["missing"] = iv.missing.empty() ? json::value(nullptr) : json::value(iv.missing);
      json::array results;
      for (const auto* f : iv.results)
        results.push_back(json::object{{"rule", f->rule_id},
                                       {"kind", to_string(f->spec.kind)},
                                       {"title", f->spec.title},
                                       {"explanation", f->explanation}});
      o["results"] = std::move(results);
      std::string text = json::serialize(o);
      text.pop_back();
      fresh->items.push_back(std::move(text));
    }
    size_t bytes = sizeof(RenderedSection) + fresh->head.size() + app::approx_bytes(*fresh->view->report);
    for (const auto& item : fresh->items) bytes += item.size() + sizeof(std::string);
    rendered = fresh;
    sections_.put(key, rendered, bytes);
  }
  // Only `editable` depends on who asks.
  std::string body = rendered->head;
  body.reserve(body.size() + rendered->items.size() * 512);
  AnswerCheck check(call.caller(), t, l->assessment);
  for (size_t i = 0; i < rendered->items.size(); ++i) {
    if (i) body += ',';
    body += rendered->items[i];
    const Item& item = *(*view)->items[i].item;
    bool editable = check.may_answer(item);
    body += editable ? ",\"editable\":true}" : ",\"editable\":false}";
  }
  body += "]}";
  return Response::text(200, std::move(body), "application/json");
}

void Api::assessment_routes() {
  route("GET", "/api/v1/assessments",
        "One page of the assessments you may read, with completeness and status: filtered, ordered and paged "
        "(template, version, status, phase, phase_state, organisation, custodian, escalations, expiring, q, "
        "group, sort, cursor, limit)",
        [this](Call& call) {
          auto q = summary_query(call.req);
          if (!q) return Response::error(q.error());
          auto page = app::list_assessments(wb_, call.caller(), *q);
          if (!page) return Response::error(page.error());
          return Response::json(200, summary_page_json(*page, q->limit));
        });

  route(
      "POST", "/api/v1/assessments", "Start an assessment of a template for a product",
      [this](Call& call) {
        auto body = Body::parse(call.req, {"template", "template_version", "product", "product_version",
                                           "title", "participants"});
        if (!body) return Response::error(body.error());
        std::string tid = body->str("template", true), tver = body->str("template_version");
        Assessment a;
        a.product = body->str("product", true);
        a.product_version = body->str("product_version");
        a.title = body->str("title");
        const json::object* parts = body->object("participants");
        if (auto st = body->done(); !st) return Response::error(st.error());
        auto loaded = wb_.load_template(tid, tver);
        if (!loaded) return Response::error(loaded.error());
        const Template& t = *loaded->tmpl;
        a.template_id = t.id;
        a.template_version = t.version;
        a.custodian = t.custody.empty() ? "" : t.custody.front();
        std::vector<Problem> problems;
        if (parts)
          for (const auto& kv : *parts) {
            std::string party(kv.key());
            if (!t.find_party(party))
              problems.push_back({{"", "", 0, "participants." + party, ""}, "not a party of " + t.ref()});
            else if (!kv.value().is_int64())
              problems.push_back({{"", "", 0, "participants." + party, ""}, "must be an organisation id"});
            else
              a.participants.push_back({party, kv.value().as_int64()});
          }
        if (!problems.empty())
          return Response::error(Error::invalid("the request body is not valid", problems));
        auto created_a = wb_.create_assessment(a, call.caller());
        if (!created_a) return Response::error(created_a.error());
        Loaded l{*created_a, *loaded};
        return created(assessment_detail(call, l));
      },
      "json");

  route("GET", "/api/v1/assessments/{id}",
        "An assessment: participants, custody, phases and the go-live gate", [this](Call& call) {
          auto l = readable(call, "id");
          if (!l) return Response::error(l.error());
          return Response::json(200, assessment_detail(call, *l));
        });

  route("GET", "/api/v1/assessments/{id}/sections", "Sections with their progress", [this](Call& call) {
    auto l = readable(call, "id");
    if (!l) return Response::error(l.error());
    auto report = check_of(*l);
    if (!report) return Response::error(report.error());
    json::array out;
    size_t i = 0;
    for (const auto& s : l->tmpl.tmpl->sections) {
      const auto& p = (*report)->completeness.sections[i++];
      json::array parties;
      for (const auto& x : s.parties) parties.emplace_back(x);
      out.push_back(json::object{{"id", s.id},
                                 {"title", s.title},
                                 {"kind", to_string(s.kind)},
                                 {"parties", parties},
                                 {"required", p.required},
                                 {"answered", p.answered},
                                 {"items", s.items.size()}});
    }
    return Response::json(200, out);
  });

  route("GET", "/api/v1/assessments/{id}/sections/{section}",
        "A section's items with answers and rule results", [this](Call& call) { return section(call); });

  route("GET", "/api/v1/assessments/{id}/answers", "Every answer", [this](Call& call) {
    auto l = readable(call, "id");
    if (!l) return Response::error(l.error());
    auto answers = app::answers(wb_, *l);
    if (!answers) return Response::error(answers.error());
    json::array out;
    for (const auto& [_, a] : *answers) out.push_back(app::answer_json(a));
    return Response::json(200, out);
  });

  route("GET", "/api/v1/assessments/{id}/answers/{item}", "One answer, with its version as ETag",
        [this](Call& call) {
          auto l = readable(call, "id");
          if (!l) return Response::error(l.error());
          const std::string& item = call.req.params["item"];
          if (!l->tmpl.tmpl->find_item(item))
            return Response::error(Error::not_found("template has no item '" + item + "'"));
          auto answers = app::answers(wb_, *l);
          if (!answers) return Response::error(answers.error());
          auto it = answers->find(item);
          if (it == answers->end())
            return Response::error(Error::not_found("item " + item + " is not answered yet"));
          return Response::json(200, app::answer_json(it->second)).with("ETag", etag(it->second.version));
        });

  route(
      "PUT", "/api/v1/assessments/{id}/answers/{item}",
      "Answer an item; If-Match names the version you edited (none: you saw no answer); stale: 409 with the "
      "current",
      [this](Call& call) {
        auto l = readable(call, "id");
        if (!l) return Response::error(l.error());
        const Template& t = *l->tmpl.tmpl;
        const std::string& item_id = call.req.params["item"];
        const Item* item = t.find_item(item_id);
        if (!item)
          return Response::error(Error::not_found("template " + t.ref() + " has no item '" + item_id + "'"));
        auto body = Body::parse(call.req, {"value", "note", "reference"});
        if (!body) return Response::error(body.error());
        std::string value = body->str("value", true), note = body->str("note"),
                    reference = body->str("reference");
        if (auto st = body->done(); !st) return Response::error(st.error());
        auto expected = if_match(call.req);
        if (!expected) return Response::error(expected.error());
        auto saved = app::answer(wb_, call.caller(), *l, item_id, value, note, reference, *expected);
        if (!saved) {
          Response r = Response::error(saved.error());
          if (saved.error().code == ErrorCode::kConflict) {
            // Show what is there now, so the person can choose.
            auto answers = app::answers(wb_, *l);
            json::value body_json = json::parse(r.body);
            if (answers && answers->count(item_id)) {
              body_json.as_object()["current"] = app::answer_json(answers->at(item_id));
              r = Response::json(409, body_json).with("ETag", etag(answers->at(item_id).version));
            }
          }
          return r;
        }
        return Response::json(200, app::answer_json(*saved)).with("ETag", etag(saved->version));
      },
      "json");

  route("GET", "/api/v1/assessments/{id}/check",
        "What is missing per party and phase, rule results, findings", [this](Call& call) {
          auto l = readable(call, "id");
          if (!l) return Response::error(l.error());
          CompletenessFilter f{call.req.query["phase"], call.req.query["party"]};
          auto report = check_of(*l, f);
          if (!report) return Response::error(report.error());
          return Response::json(200, app::check_json(**report, wb_.clock().today()));
        });

  route("GET", "/api/v1/assessments/{id}/tasks",
        "Each section's status for the parties the caller's organisation plays (the overview's task list)",
        [this](Call& call) {
          auto l = readable(call, "id");
          if (!l) return Response::error(l.error());
          auto report = check_of(*l, {});
          if (!report) return Response::error(report.error());
          json::array items;
          for (const auto& task : app::task_list(**report, call.caller())) {
            json::array owners;
            for (const auto& p : task.owners) owners.emplace_back(p);
            items.push_back(json::object{{"section", task.section->id},
                                         {"title", task.section->title},
                                         {"status", domain::to_string(task.status)},
                                         {"required", task.required},
                                         {"answered", task.answered},
                                         {"owners", std::move(owners)},
                                         {"held_by", task.held_by}});
          }
          return Response::json(200, json::object{{"items", std::move(items)}});
        });
}

}  // namespace tom::api
