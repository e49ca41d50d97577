// Findings, approvals and the hand-off: the workflow's pages over service/workflow.
#include <algorithm>

#include "app/views.hpp"
#include "app/workflow.hpp"
#include "core/clock.hpp"
#include "domain/workflow.hpp"
#include "web/pages.hpp"
#include "web/words.hpp"

namespace tom::web {

namespace {
// An error with its first few problems, as one sentence for the error summary.
std::string in_words(const Error& e) {
  std::string out = e.message;
  size_t n = 0;
  for (const auto& p : e.problems) {
    if (n++ == 5) {
      out += "; and " + std::to_string(e.problems.size() - 5) + " more";
      break;
    }
    out += (n == 1 ? ": " : "; ") + (p.where.item.empty() ? "" : p.where.item + " ") + p.message;
  }
  // A sentence in the error summary starts with a capital, whatever the message began with.
  if (!out.empty() && out[0] >= 'a' && out[0] <= 'z') out[0] = static_cast<char>(out[0] - 'a' + 'A');
  return out;
}
}  // namespace

Response Pages::findings(Request& r, Session& s, const std::string& error, int status) {
  Response fail;
  auto l = load(r, s, &fail);
  if (!l) return fail;
  auto report = wb_.check_cached(l->assessment.id, l->revision);
  if (!report) return error_page(503, "Sorry, there is a problem with the service", "Try again later.", &s);
  const Template& t = *l->tmpl.tmpl;
  Data d = assessment_page("Findings", *l, s);
  // A refused acceptance is shown against the form it came from: its mitigation or its expiry field.
  std::string failed_key = error.empty() ? "" : field(parse_form(r.body), "key");
  std::map<std::string, const rules::RaisedFinding*> raised;
  for (const auto& f : (*report)->evaluation.findings) raised[f.key()] = &f;
  Data rows = list();
  int n = 0, open_count = 0, settled_count = 0;
  std::string error_field = "maincontent";
  // The counts are of the whole register; the table shows one page of it, of one status if asked.
  constexpr int64_t kPerPage = 50;
  auto all = app::merge_findings(**report, wb_.clock().today());
  for (const auto& f : all) (f.status == "open" || f.status == "lapsed" ? open_count : settled_count)++;
  std::string only = error.empty() ? r.query["status"] : "";
  domain::ListQuery q = list_request(r, kPerPage);
  if (!failed_key.empty()) {
    // A refused acceptance: the page that starts with the finding it was about, so its form shows the error.
    q = domain::ListQuery{};
    q.limit = kPerPage;
    for (size_t i = 1; i < all.size(); ++i)
      if (all[i].key == failed_key) q.cursor = "f." + std::to_string(i - 1) + "." + all[i - 1].key;
  }
  auto page = app::page_findings(all, only, q);
  if (!page) return failure_page(page.error(), s);
  std::string path = "/assessments/" + std::to_string(l->assessment.id) + "/findings";
  d.set("pagination_html",
        pagination(r, path, page->prev_cursor, page->next_cursor, static_cast<int64_t>(page->items.size()),
                   page->total, q.limit, all.empty() ? "" : "No findings have that status."));
  Data filters = list();
  for (auto [value, label] : {std::pair{"", "All"},
                              {"open", "Open"},
                              {"lapsed", "Lapsed"},
                              {"accepted", "Accepted"},
                              {"resolved", "Resolved"}}) {
    Data x = object();
    x.set("label", label);
    x.set("href", path + (*value ? std::string("?status=") + value : std::string()));
    x.set("current", only == value);
    filters.push_back(x);
  }
  d.set("status_filters", filters);
  for (const auto& f : page->items) {
    Data x = object();
    x.set("n", std::to_string(++n));
    x.set("assessment", std::to_string(l->assessment.id));
    x.set("csrf", s.auth.csrf_token);
    x.set("me", s.auth.caller.user.name);
    x.set("key", f.key);
    x.set("title", opt(keys_in_words(t, f.title)));
    x.set("kind", f.kind);
    x.set("role", opt(f.role.empty() ? "" : role_in_words(f.role)));
    x.set("item", opt(f.item_id));
    x.set("status", f.status);
    x.set("tag_class", f.status == "accepted" || f.status == "resolved" ? "nhsuk-tag--green"
                       : f.status == "lapsed"                           ? "nhsuk-tag--orange"
                                                                        : "nhsuk-tag--red");
    // Under its title, what the rules read to raise it, in words (items and results by name); or what a
    // person recorded.
    auto rf = raised.find(f.key);
    std::string because = rf != raised.end() ? because_in_words(t, rf->second->reads) : "";
    x.set("explanation", !because.empty()     ? because
                         : rf != raised.end() ? keys_in_words(t, rf->second->description)
                                              : keys_in_words(t, f.explanation));
    if (f.stored && !f.stored->accepted_by.empty()) {
      x.set("accepted_by", opt(f.stored->accepted_by));
      x.set("expires_on", opt(day_in_words(f.stored->expires_on)));
      x.set("mitigation", opt(f.stored->mitigation));
    }
    bool open = f.status == "open" || f.status == "lapsed";
    bool can_accept = open && why_not_accept(s.auth.caller, l->assessment, f.role, f.party).empty();
    x.set("can_accept", can_accept);
    if (can_accept && f.key == failed_key) {
      bool about_date = error.find("date") != std::string::npos || error.find("expir") != std::string::npos;
      bool about_mitigation = !about_date && error.find("mitigation") != std::string::npos;
      error_field = (about_mitigation ? "mitigation-" : "expires-") + std::to_string(n);
      x.set("accept_error", error);
      x.set("error_on_mitigation", about_mitigation);
      x.set("error_on_expiry", !about_mitigation);
      x.set("mitigation_value", opt(field(parse_form(r.body), "mitigation")));
      x.set("expires_value", opt(field(parse_form(r.body), "expires_on")));
    }
    rows.push_back(x);
  }
  if (!error.empty()) {
    d.set("has_errors", true);
    d.set("errors", one_error(error_field, error));
  }
  d.set("findings", rows);
  d.set("has_findings", !all.empty());
  d.set("open_count", std::to_string(open_count));
  d.set("settled_count", std::to_string(settled_count));
  return html(status, render_page("findings", d));
}

Response Pages::accept(Request& r, Session& s) {
  Response fail;
  auto l = load(r, s, &fail);
  if (!l) return fail;
  Form f = parse_form(r.body);
  auto done =
      app::settle_finding(wb_, s.auth.caller, l->assessment,
                          {field(f, "key"), true, "", field(f, "expires_on"), field(f, "mitigation")});
  if (!done) return findings(r, s, in_words(done.error()), http_status(done.error().code));
  return redirect("/assessments/" + std::to_string(l->assessment.id) + "/findings");
}

Response Pages::approvals(Request& r, Session& s, const std::string& error, int status) {
  Response fail;
  auto l = load(r, s, &fail);
  if (!l) return fail;
  const Template& t = *l->tmpl.tmpl;
  auto report = wb_.check_cached(l->assessment.id, l->revision);
  if (!report) return error_page(503, "Sorry, there is a problem with the service", "Try again later.", &s);
  Data d = assessment_page("Approvals", *l, s);
  if (!error.empty()) {
    d.set("has_errors", true);
    d.set("errors", one_error("maincontent", error));
  }
  Data phases = list();
  std::vector<std::string> deciders;
  for (const auto& st : (*report)->phases()) {
    if (st.submitted) deciders.push_back(st.submitted->by);
    for (const auto& a : st.areas)
      if (a.latest) deciders.push_back(a.latest->decided_by);
  }
  auto by_email = people(deciders);
  auto name_of = [&](const std::string& who) {
    auto it = by_email.find(who);
    return it == by_email.end() ? who : it->second;
  };
  for (const auto& st : (*report)->phases()) {
    Data x = object();
    x.set("assessment", std::to_string(l->assessment.id));
    x.set("csrf", s.auth.csrf_token);
    x.set("phase", st.phase->id);
    x.set("name", st.phase->name);
    x.set("approver", party_name(t, st.phase->approver));
    x.set("state", to_string(st.state));
    x.set("tag_class", tag_class(to_string(st.state)));
    x.set("certificate", opt(st.certificate));
    // Who decides, or who decided: "Approved by" only once the phase is approved.
    std::string decided_by;
    for (const auto& a : st.areas)
      if (a.latest && decided_by.find(name_of(a.latest->decided_by)) == std::string::npos)
        decided_by += (decided_by.empty() ? "" : ", ") + name_of(a.latest->decided_by);
    x.set("approved", st.state == PhaseState::kApproved);
    x.set("decided_by", opt(decided_by));
    x.set("submitted", opt(st.submitted ? "Submitted by " + name_of(st.submitted->by) + " on " +
                                              when_in_words(st.submitted->at) + "."
                                        : ""));
    Data areas = list();
    for (const auto& a : st.areas) {
      Data y = object();
      y.set("area", a.area.empty() ? "Whole phase" : a.area);
      y.set("decision",
            a.latest ? std::string(a.latest->decision == Decision::kApproved ? "Approved" : "Rejected") +
                           " by " + name_of(a.latest->decided_by) +
                           (a.latest->decided_at.empty() ? "" : " on " + when_in_words(a.latest->decided_at))
                     : "No decision yet");
      y.set("reason", opt(a.latest ? a.latest->reason : ""));
      y.set("override_reason", opt(a.latest ? a.latest->override_reason : ""));
      areas.push_back(y);
    }
    x.set("areas", areas);
    Data names = list();
    for (const auto& a : st.phase->areas) names.push_back(Data(a));
    x.set("area_names", names);
    x.set("has_areas", !st.phase->areas.empty());
    x.set("certificate_needed", st.phase->certificate);
    // Answers changed since the approval: the phase reopened (or, per the template, is flagged).
    Data changes = list();
    for (const auto& c : st.changed) {
      Data y = object();
      y.set("item", c.item_id);
      y.set("before", c.before.empty() ? std::string("no answer") : c.before);
      y.set("after", c.after.empty() ? std::string("no answer") : c.after);
      changes.push_back(y);
    }
    x.set("has_changes", !st.changed.empty());
    x.set("reopened", st.reopened);
    x.set("changes", changes);
    x.set("can_submit", st.state != PhaseState::kApproved && st.state != PhaseState::kSubmitted &&
                            why_not_submit(s.auth.caller, t, l->assessment, *st.phase).empty());
    x.set("can_decide", why_not_decide(s.auth.caller, l->assessment, *st.phase).empty());
    phases.push_back(x);
  }
  d.set("phases", phases);
  return html(status, render_page("approvals", d));
}

Response Pages::submit(Request& r, Session& s) {
  Response fail;
  auto l = load(r, s, &fail);
  if (!l) return fail;
  auto done =
      app::submit_phase(wb_, s.auth.caller, l->assessment, *l->tmpl.tmpl, field(parse_form(r.body), "phase"));
  if (!done) return approvals(r, s, done.error().message, http_status(done.error().code));
  return redirect("/assessments/" + std::to_string(l->assessment.id) + "/approvals");
}

Response Pages::decide(Request& r, Session& s) {
  Response fail;
  auto l = load(r, s, &fail);
  if (!l) return fail;
  Form f = parse_form(r.body);
  auto decision = decision_from(field(f, "decision"));
  if (!decision) return approvals(r, s, "Choose whether to approve or reject", 400);
  Approval ap;
  ap.phase = field(f, "phase");
  ap.area = field(f, "area");
  ap.decision = *decision;
  ap.reason = field(f, "reason");
  ap.outcome = field(f, "outcome");
  ap.certificate = field(f, "certificate");
  ap.override_reason = field(f, "override_reason");
  auto done = app::decide_phase(wb_, s.auth.caller, l->assessment, *l->tmpl.tmpl, ap);
  if (!done) return approvals(r, s, in_words(done.error()), http_status(done.error().code));
  return redirect("/assessments/" + std::to_string(l->assessment.id) + "/approvals");
}

Response Pages::handoff(Request& r, Session& s, const std::string& error, int status) {
  Response fail;
  auto l = load(r, s, &fail);
  if (!l) return fail;
  const Template& t = *l->tmpl.tmpl;
  Data d = assessment_page("Hand the TOM on", *l, s);
  d.set("custodian", party_name(t, l->assessment.custodian));
  Data targets = list();
  std::string first_target;
  for (const auto& p : t.custody) {
    if (p == l->assessment.custodian || l->assessment.organisation_for(p) == 0) continue;
    if (!why_not_handoff(s.auth.caller, t, l->assessment, p).empty()) continue;
    if (first_target.empty()) first_target = p;
    Data x = object();
    x.set("id", p);
    x.set("name", party_name(t, p));
    targets.push_back(x);
  }
  d.set("targets", targets);
  d.set("can_hand_on", !first_target.empty());
  if (!error.empty()) {
    // The summary links to the first choice on the form (the error sits on the fieldset), or to the page's
    // heading when there is no form to correct.
    d.set("has_errors", true);
    d.set("choice_error", opt(first_target.empty() ? "" : error));
    d.set("errors", one_error(first_target.empty() ? "handoff-heading" : "to-" + first_target, error));
  }
  auto chain = app::handoffs(wb_, *l);
  Data rows = list();
  std::vector<std::string> who;
  if (chain)
    for (const auto& h : *chain) who.push_back(h.by);
  auto names = people(who);
  if (chain)
    for (const auto& h : *chain) {
      Data x = object();
      x.set("at", when_in_words(h.at));
      x.set("from", party_name(t, h.from_party));
      x.set("to", party_name(t, h.to_party));
      x.set("by", names.count(h.by) ? names[h.by] : h.by);
      x.set("note", opt(h.note));
      rows.push_back(x);
    }
  d.set("handoffs", rows);
  d.set("has_handoffs", rows.is_non_empty_list());
  return html(status, render_page("handoff", d));
}

Response Pages::do_handoff(Request& r, Session& s) {
  Response fail;
  auto l = load(r, s, &fail);
  if (!l) return fail;
  Form f = parse_form(r.body);
  if (field(f, "to").empty()) return handoff(r, s, "Choose who should hold the TOM next", 400);
  auto done =
      app::hand_off(wb_, s.auth.caller, l->assessment, *l->tmpl.tmpl, field(f, "to"), field(f, "note"));
  if (!done) return handoff(r, s, done.error().message, http_status(done.error().code));
  return redirect("/assessments/" + std::to_string(l->assessment.id));
}
}  // namespace tom::web
