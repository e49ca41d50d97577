#include "store/records.hpp"

namespace tom::store {

using namespace tom::domain;
namespace json = boost::json;
using sql::integer;
using sql::text;

Answer answer_from(const sql::Row& r, size_t at) {
  return Answer{text(r, at),     text(r, at + 1), text(r, at + 2),   text(r, at + 3),
                text(r, at + 4), text(r, at + 5), integer(r, at + 6)};
}

Finding finding_from(const sql::Row& r, size_t at) {
  Finding f;
  f.id = integer(r, at);
  f.assessment_id = integer(r, at + 1);
  f.key = text(r, at + 2);
  f.kind = text(r, at + 3);
  f.item_id = text(r, at + 4);
  f.title = text(r, at + 5);
  f.detail = text(r, at + 6);
  f.role = text(r, at + 7);
  f.party = text(r, at + 8);
  f.owner = text(r, at + 9);
  f.mitigation = text(r, at + 10);
  f.status = finding_status_from(text(r, at + 11)).value_or(FindingStatus::kOpen);
  f.accepted_by = text(r, at + 12);
  f.accepted_role = text(r, at + 13);
  f.accepted_at = text(r, at + 14);
  f.expires_on = text(r, at + 15);
  f.created_at = text(r, at + 16);
  f.version = integer(r, at + 17);
  return f;
}

Result<Approval> approval_from(const sql::Row& r, size_t at) {
  Approval a;
  a.id = integer(r, at);
  a.assessment_id = integer(r, at + 1);
  a.phase = text(r, at + 2);
  a.area = text(r, at + 3);
  a.decision = decision_from(text(r, at + 4)).value_or(Decision::kRejected);
  a.reason = text(r, at + 5);
  a.outcome = text(r, at + 6);
  a.certificate = text(r, at + 7);
  a.decided_by = text(r, at + 8);
  a.decided_at = text(r, at + 9);
  a.override_reason = text(r, at + 10);
  if (std::string basis = text(r, at + 11); !basis.empty()) {
    boost::system::error_code ec;
    json::value v = json::parse(basis, ec);
    if (ec || !v.is_object())
      return Error::internal("approval " + std::to_string(a.id) + " has an unreadable basis");
    for (const auto& kv : v.as_object())
      if (kv.value().is_string()) a.basis[std::string(kv.key())] = std::string(kv.value().as_string());
  }
  return a;
}

Handoff handoff_from(const sql::Row& r, size_t at) {
  return Handoff{integer(r, at),  integer(r, at + 1), text(r, at + 2), text(r, at + 3),
                 text(r, at + 4), text(r, at + 5),    text(r, at + 6)};
}

json::object answer_payload(const Answer& a) {
  return json::object{{"value", a.value},     {"note", a.note},     {"reference", a.reference},
                      {"version", a.version}, {"author", a.author}, {"updated_at", a.updated_at}};
}

json::object finding_payload(const Finding& f) {
  return json::object{{"key", f.key},
                      {"kind", f.kind},
                      {"item", f.item_id},
                      {"title", f.title},
                      {"detail", f.detail},
                      {"role", f.role},
                      {"party", f.party},
                      {"status", to_string(f.status)},
                      {"owner", f.owner},
                      {"mitigation", f.mitigation},
                      {"accepted_by", f.accepted_by},
                      {"accepted_role", f.accepted_role},
                      {"accepted_at", f.accepted_at},
                      {"expires_on", f.expires_on},
                      {"created_at", f.created_at},
                      {"version", f.version}};
}

json::object approval_payload(const Approval& a) {
  json::object basis;
  for (const auto& [item, value] : a.basis) basis[item] = value;
  return json::object{{"phase", a.phase},
                      {"area", a.area},
                      {"decision", to_string(a.decision)},
                      {"reason", a.reason},
                      {"outcome", a.outcome},
                      {"certificate", a.certificate},
                      {"decided_by", a.decided_by},
                      {"decided_at", a.decided_at},
                      {"override_reason", a.override_reason},
                      {"basis", basis}};
}

json::object handoff_payload(const Handoff& h) {
  return json::object{{"id", h.id},     {"from", h.from_party}, {"to", h.to_party},
                      {"note", h.note}, {"by", h.by},           {"at", h.at}};
}

}  // namespace tom::store
