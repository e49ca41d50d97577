// Sign-in, the caller, API tokens, users and organisations.
#include "api/api.hpp"
#include "service/views.hpp"

namespace tom::api {

using http::Request;
using http::Response;
using namespace tom::domain;

namespace {

json::object user_json(const User& u) {
  json::array roles;
  for (const auto& r : u.roles) roles.emplace_back(r);
  return {{"id", u.id},
          {"email", u.email},
          {"name", u.name},
          {"organisation_id", u.organisation_id},
          {"roles", roles}};
}

}  // namespace

void Api::identity_routes() {
  public_route(
      "POST", "/api/v1/session", "Sign in with email and password; sets the session cookie",
      [this](Request& req) {
        auto body = Body::parse(req, {"email", "password"});
        if (!body) return Response::error(body.error());
        std::string email = body->str("email", true), password = body->str("password", true);
        if (auto st = body->done(); !st) return Response::error(st.error());
        auto signed_in = identity_.sign_in(email, password, req.remote);
        if (!signed_in) {
          Response r = Response::error(signed_in.error());
          if (signed_in.error().code == ErrorCode::kTooManyRequests)
            r.with("Retry-After", signed_in.error().detail);
          return r;
        }
        std::string cookie = "tom_session=" + signed_in->token +
                             "; Path=/; HttpOnly; SameSite=Strict; Max-Age=43200" +
                             (options_.secure_cookies ? "; Secure" : "");
        return Response::json(200, json::object{{"user", user_json(signed_in->user)},
                                                {"csrf_token", signed_in->csrf_token}})
            .with("Set-Cookie", cookie);
      },
      "json");

  route("DELETE", "/api/v1/session", "Sign out", [this](Call& call) {
    (void)store_.delete_session(call.auth.token_hash);
    return Response::empty(204).with("Set-Cookie",
                                     "tom_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
  });

  route("GET", "/api/v1/me", "The signed-in user and their organisation", [](Call& call) {
    return Response::json(
        200, json::object{{"user", user_json(call.caller().user)},
                          {"organisation", service::organisation_json(call.caller().organisation)},
                          {"csrf_token", call.auth.csrf_token}});
  });

  route(
      "POST", "/api/v1/tokens", "Create an API token for scripts (shown once)",
      [this](Call& call) {
        auto body = Body::parse(call.req, {"name"});
        if (!body) return Response::error(body.error());
        std::string name = body->str("name", true);
        if (auto st = body->done(); !st) return Response::error(st.error());
        auto token = identity_.create_api_token(call.caller().user, name);
        if (!token) return Response::error(token.error());
        return created(json::object{{"token", *token}, {"name", name}});
      },
      "json");

  route("GET", "/api/v1/users", "Users: your organisation's (administrators: everyone)", [this](Call& call) {
    auto users = store_.list_users();
    if (!users) return Response::error(users.error());
    json::array out;
    for (const auto& u : *users)
      if (call.caller().admin() || u.organisation_id == call.caller().organisation.id)
        out.push_back(user_json(u));
    return Response::json(200, out);
  });

  route(
      "POST", "/api/v1/users", "Add a user (administrators)",
      [this](Call& call) {
        if (!call.caller().admin()) return Response::error(403, "forbidden", "only administrators add users");
        auto body = Body::parse(call.req, {"email", "name", "password", "organisation_id", "roles"});
        if (!body) return Response::error(body.error());
        User u;
        u.email = body->str("email", true);
        u.name = body->str("name", true);
        std::string password = body->str("password", true);
        u.organisation_id = body->integer("organisation_id", true).value_or(0);
        u.roles = body->strs("roles");
        if (auto st = body->done(); !st) return Response::error(st.error());
        auto added = identity_.create_user(u, password, call.actor());
        if (!added) return Response::error(added.error());
        return created(user_json(*added));
      },
      "json");

  route("GET", "/api/v1/organisations", "Organisations that play parties", [this](Call&) {
    auto orgs = store_.list_organisations();
    if (!orgs) return Response::error(orgs.error());
    json::array out;
    for (const auto& o : *orgs) out.push_back(service::organisation_json(o));
    return Response::json(200, out);
  });

  route(
      "POST", "/api/v1/organisations", "Add an organisation (administrators)",
      [this](Call& call) {
        if (!call.caller().admin())
          return Response::error(403, "forbidden", "only administrators add organisations");
        auto body = Body::parse(call.req, {"name", "ods_code", "type"});
        if (!body) return Response::error(body.error());
        Organisation o{0, body->str("name", true), body->str("ods_code"), body->str("type")};
        if (auto st = body->done(); !st) return Response::error(st.error());
        static const std::set<std::string> types = {"supplier", "nhs-trust", "gp-practice", "icb", "central",
                                                    "other",    ""};
        if (!types.count(o.type))
          return Response::error(
              Error::invalid("the request body is not valid",
                             {Problem{{"", "", 0, "type", ""},
                                      "must be supplier, nhs-trust, gp-practice, icb, central or other"}}));
        if (o.type.empty()) o.type = "other";
        auto added = store_.add_organisation(o, call.actor());
        if (!added) return Response::error(added.error());
        return created(service::organisation_json(*added));
      },
      "json");
}

}  // namespace tom::api
