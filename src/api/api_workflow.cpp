// The workflow: findings, phases and decisions, the custody chain, the go-live gate, reuse, diff and audit.
#include "api/api.hpp"
#include "app/views.hpp"
#include "app/workflow.hpp"
#include "core/clock.hpp"
#include "domain/workflow.hpp"

namespace tom::api {

using http::Request;
using http::Response;
using namespace tom::domain;

void Api::workflow_routes() {
  route("GET", "/api/v1/assessments/{id}/findings", "The findings register: rule findings and people's",
        [this](Call& call) {
          auto l = readable(call, "id");
          if (!l) return Response::error(l.error());
          auto q = list_query(call.req);
          if (!q) return Response::error(q.error());
          auto report = check_of(*l);
          if (!report) return Response::error(report.error());
          auto page = app::page_findings(app::merge_findings(**report, wb_.clock().today()),
                                         call.req.query["status"], *q);
          if (!page) return Response::error(page.error());
          json::array out;
          for (const auto& f : page->items) out.push_back(app::finding_view_json(f));
          return Response::json(200,
                                list_page_json(std::move(out), page->total, q->limit, page->next_cursor));
        });

  route(
      "POST", "/api/v1/assessments/{id}/findings",
      "Report a finding (non-compliance, risk, escalation, review)",
      [this](Call& call) {
        auto l = readable(call, "id");
        if (!l) return Response::error(l.error());
        auto body = Body::parse(call.req, {"kind", "title", "item", "role", "owner", "mitigation", "detail"});
        if (!body) return Response::error(body.error());
        Finding f;
        f.assessment_id = l->assessment.id;
        f.kind = body->str("kind", true);
        f.title = body->str("title", true);
        f.item_id = body->str("item");
        f.role = body->str("role");
        f.owner = body->str("owner");
        f.mitigation = body->str("mitigation");
        f.detail = body->str("detail");
        if (auto st = body->done(); !st) return Response::error(st.error());
        auto saved = app::record_finding(wb_, call.caller(), *l, f);
        if (!saved) return Response::error(saved.error());
        return created(app::finding_json(*saved));
      },
      "json");

  auto settle = [this](Call& call, bool accept) -> Response {
    auto l = readable(call, "id");
    if (!l) return Response::error(l.error());
    auto body = Body::parse(call.req, {"by", "expires_on", "mitigation"});
    if (!body) return Response::error(body.error());
    std::string by = body->str("by"), expires = body->str("expires_on"), mitigation = body->str("mitigation");
    if (auto st = body->done(); !st) return Response::error(st.error());
    auto f = app::settle_finding(wb_, call.caller(), l->assessment,
                                 {call.req.params["key"], accept, by, expires, mitigation});
    if (!f) return Response::error(f.error());
    return Response::json(200, app::finding_json(*f));
  };
  route(
      "POST", "/api/v1/assessments/{id}/findings/{key}/accept",
      "Accept a finding as a named person holding its role",
      [settle](Call& call) { return settle(call, true); }, "json");
  route(
      "POST", "/api/v1/assessments/{id}/findings/{key}/resolve", "Mark a finding resolved",
      [settle](Call& call) { return settle(call, false); }, "json");

  route(
      "GET", "/api/v1/assessments/{id}/phases", "Each phase: state, areas and decisions", [this](Call& call) {
        auto l = readable(call, "id");
        if (!l) return Response::error(l.error());
        auto report = check_of(*l);
        if (!report) return Response::error(report.error());
        json::array out;
        for (const auto& s : (*report)->phases()) {
          json::array areas;
          for (const auto& d : s.areas)
            areas.push_back(json::object{
                {"area", d.area},
                {"decision", d.latest ? json::value(app::approval_json(*d.latest)) : json::value(nullptr)}});
          out.push_back(json::object{
              {"phase", s.phase->id},
              {"name", s.phase->name},
              {"approver", s.phase->approver},
              {"state", to_string(s.state)},
              {"certificate", s.certificate},
              {"submitted_at", s.submitted ? json::value(s.submitted->at) : json::value(nullptr)},
              {"areas", areas},
              {"reopened", s.reopened},
              {"changed_since_approval", app::changes_json(s.changed)}});
        }
        return Response::json(200, out);
      });

  route(
      "POST", "/api/v1/assessments/{id}/phases/{phase}/submit", "Submit a phase to its approver",
      [this](Call& call) {
        auto l = readable(call, "id");
        if (!l) return Response::error(l.error());
        const Phase* phase = l->tmpl.tmpl->find_phase(call.req.params["phase"]);
        if (!phase)
          return Response::error(Error::not_found("there is no phase '" + call.req.params["phase"] + "'"));
        if (!call.req.body.empty()) {
          auto body = Body::parse(call.req, {});
          if (!body) return Response::error(body.error());
          if (auto st = body->done(); !st) return Response::error(st.error());
        }
        auto s = app::submit_phase(wb_, call.caller(), l->assessment, *l->tmpl.tmpl, phase->id);
        if (!s) return Response::error(s.error());
        return created(json::object{{"phase", phase->id}, {"submitted_at", s->at}, {"by", s->by}});
      },
      "json");

  route(
      "POST", "/api/v1/assessments/{id}/phases/{phase}/decisions",
      "Approve or reject a submitted phase (or one area of it); an incomplete phase needs an override_reason",
      [this](Call& call) {
        auto l = readable(call, "id");
        if (!l) return Response::error(l.error());
        const Phase* phase = l->tmpl.tmpl->find_phase(call.req.params["phase"]);
        if (!phase)
          return Response::error(Error::not_found("there is no phase '" + call.req.params["phase"] + "'"));
        auto body = Body::parse(call.req,
                                {"decision", "area", "reason", "outcome", "certificate", "override_reason"});
        if (!body) return Response::error(body.error());
        Approval ap;
        ap.assessment_id = l->assessment.id;
        ap.phase = phase->id;
        std::string decision = body->str("decision", true);
        ap.area = body->str("area");
        ap.reason = body->str("reason");
        ap.outcome = body->str("outcome");
        ap.certificate = body->str("certificate");
        ap.override_reason = body->str("override_reason");
        if (auto st = body->done(); !st) return Response::error(st.error());
        auto d = decision_from(decision);
        if (!d) return Response::error(Error::invalid("decision must be approved or rejected"));
        ap.decision = *d;
        auto decided = app::decide_phase(wb_, call.caller(), l->assessment, *l->tmpl.tmpl, ap);
        if (!decided) return Response::error(decided.error());
        return created(app::approval_json(decided->approval));
      },
      "json");

  route("GET", "/api/v1/assessments/{id}/handoffs", "The custody chain's hand-offs", [this](Call& call) {
    auto l = readable(call, "id");
    if (!l) return Response::error(l.error());
    auto list = app::handoffs(wb_, *l);
    if (!list) return Response::error(list.error());
    json::array out;
    for (const auto& h : *list)
      out.push_back(json::object{{"id", h.id},
                                 {"from", h.from_party},
                                 {"to", h.to_party},
                                 {"note", h.note},
                                 {"by", h.by},
                                 {"at", h.at}});
    return Response::json(200, json::object{{"custodian", l->assessment.custodian}, {"handoffs", out}});
  });

  route(
      "POST", "/api/v1/assessments/{id}/handoffs", "Hand the TOM on to another party of the custody chain",
      [this](Call& call) {
        auto l = readable(call, "id");
        if (!l) return Response::error(l.error());
        auto body = Body::parse(call.req, {"to", "note"});
        if (!body) return Response::error(body.error());
        std::string to = body->str("to", true), note = body->str("note");
        if (auto st = body->done(); !st) return Response::error(st.error());
        auto h = app::hand_off(wb_, call.caller(), l->assessment, *l->tmpl.tmpl, to, note);
        if (!h) return Response::error(h.error());
        return created(json::object{
            {"from", h->from_party}, {"to", h->to_party}, {"note", h->note}, {"by", h->by}, {"at", h->at}});
      },
      "json");

  route("GET", "/api/v1/assessments/{id}/gate", "Whether go-live is open, and if not why",
        [this](Call& call) {
          auto l = readable(call, "id");
          if (!l) return Response::error(l.error());
          json::object detail = assessment_detail(call, *l);
          return Response::json(200, detail["gate"]);
        });

  route(
      "POST", "/api/v1/assessments/{id}/derive",
      "Reuse an approved TOM for another deploying organisation: suppliers' answers carried, lineage kept",
      [this](Call& call) {
        auto l = readable(call, "id");
        if (!l) return Response::error(l.error());
        auto body = Body::parse(call.req, {"organisation_id", "title"});
        if (!body) return Response::error(body.error());
        int64_t org = body->integer("organisation_id", true).value_or(0);
        std::string title = body->str("title");
        if (auto st = body->done(); !st) return Response::error(st.error());
        auto created_a = app::derive(wb_, call.caller(), l->assessment, *l->tmpl.tmpl, org, title);
        if (!created_a) return Response::error(created_a.error());
        const auto& d = *created_a;
        json::array carried, reset;
        for (const auto& x : d.carried) carried.emplace_back(x);
        for (const auto& x : d.reset) reset.emplace_back(x);
        return created(json::object{{"assessment", app::assessment_json(d.assessment)},
                                    {"derived_from", l->assessment.id},
                                    {"carried", carried},
                                    {"reset_for_review", reset}});
      },
      "json");

  route("GET", "/api/v1/assessments/{id}/diff/{other}", "Items whose answers differ between two assessments",
        [this](Call& call) {
          auto a = readable(call, "id");
          if (!a) return Response::error(a.error());
          auto b = readable(call, "other");
          if (!b) return Response::error(b.error());
          auto differences = app::diff(wb_, *a, *b);
          if (!differences) return Response::error(differences.error());
          json::array out;
          for (const auto& d : *differences)
            out.push_back(json::object{
                {"item", d.item_id}, {"left", d.left}, {"right", d.right}, {"note_differs", d.note_differs}});
          return Response::json(
              200,
              json::object{{"left", a->assessment.id}, {"right", b->assessment.id}, {"differences", out}});
        });

  route("GET", "/api/v1/assessments/{id}/audit", "The assessment's audit trail", [this](Call& call) {
    auto l = readable(call, "id");
    if (!l) return Response::error(l.error());
    // Oldest first; ?after=SEQ is the cursor "h.SEQ." (the page after that event).
    auto q = list_query(call.req);
    if (!q) return Response::error(q.error());
    std::string after = call.req.query["after"];
    if (!after.empty()) {
      if (!q->cursor.empty() || after.size() > 17 ||
          after.find_first_not_of("0123456789") != std::string::npos)
        return Response::error(
            Error::invalid("the parameter 'after' must be an event's sequence number, without a cursor"));
      q->cursor = "h." + after + ".";
    }
    auto events = app::history_page(wb_, *l, *q, /*newest_first=*/false);
    if (!events) return Response::error(events.error());
    json::array out;
    for (const auto& e : events->items) out.push_back(app::audit_event_json(e));
    return Response::json(200, list_page_json(std::move(out), events->total, q->limit, events->next_cursor));
  });

  route("GET", "/api/v1/audit", "Every audit event (central reviewers, administrators)", [this](Call& call) {
    domain::AuditFilter f;
    auto after = call.req.query["after"];
    if (!after.empty() && after.find_first_not_of("0123456789") == std::string::npos && after.size() < 18)
      f.after_seq = std::stoll(after);
    f.limit = 1000;
    auto events = app::whole_audit(wb_, call.caller(), f);
    if (!events) return Response::error(events.error());
    json::array out;
    for (const auto& e : *events) out.push_back(app::audit_event_json(e));
    return Response::json(200, out);
  });

  route("GET", "/api/v1/audit/verify", "Recompute the audit hash chain", [this](Call& call) {
    auto report = app::verify_audit(wb_, call.caller());
    if (!report) return Response::error(report.error());
    json::array problems;
    for (const auto& p : report->problems) problems.emplace_back(p);
    const domain::AuditHead& h = report->head;  // signed: keep it elsewhere to anchor the log (docs/audit.md)
    json::object head{{"events", h.events}, {"last_seq", h.last_seq}, {"last_hash", h.last_hash},
                      {"at", h.at},         {"key_id", h.key_id},     {"mac", h.mac}};
    return Response::json(200,
                          json::object{{"ok", report->ok()},
                                       {"checked", report->checked},
                                       {"unkeyed", report->unkeyed},
                                       {"problems", problems},
                                       {"head", report->ok() ? json::value(head) : json::value(nullptr)}});
  });
}

}  // namespace tom::api
