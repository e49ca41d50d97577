// Sign-in, the caller, API tokens, users and organisations.
#include "api/api.hpp"
#include "app/directory.hpp"
#include "app/views.hpp"

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

json::object token_json(const app::TokenInfo& t) {
  return {{"id", t.id}, {"name", t.name}, {"created_at", t.created_at}, {"expires_at", t.expires_at}};
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
        std::string cookie = session_cookie(signed_in->token);
        return Response::json(200, json::object{{"user", user_json(signed_in->user)},
                                                {"csrf_token", signed_in->csrf_token}})
            .with("Set-Cookie", cookie);
      },
      "json");

  route("DELETE", "/api/v1/session", "Sign out", [this](Call& call) {
    (void)identity_.sign_out(call.auth);
    return Response::empty(204).with("Set-Cookie", cleared_session_cookie());
  });

  route("GET", "/api/v1/me", "The signed-in user and their organisation", [](Call& call) {
    return Response::json(200,
                          json::object{{"user", user_json(call.caller().user)},
                                       {"organisation", app::organisation_json(call.caller().organisation)},
                                       {"csrf_token", call.auth.csrf_token}});
  });

  route(
      "POST", "/api/v1/tokens",
      "Create an API token for scripts (shown once; lasts 30 days, or expires_in_days up to 365)",
      [this](Call& call) {
        auto body = Body::parse(call.req, {"name", "expires_in_days"});
        if (!body) return Response::error(body.error());
        std::string name = body->str("name", true);
        auto days = body->integer("expires_in_days");
        if (auto st = body->done(); !st) return Response::error(st.error());
        if (days && (*days < 1 || *days > app::Identity::kMaxTokenDays))
          return Response::error(Error::invalid(
              "the request body is not valid",
              {Problem{{"", "", 0, "expires_in_days", ""},
                       "must be from 1 to " + std::to_string(app::Identity::kMaxTokenDays) + " days"}}));
        auto made = identity_.create_api_token(
            call.caller().user, name, static_cast<int>(days.value_or(app::Identity::kDefaultTokenDays)));
        if (!made) return Response::error(made.error());
        json::object out = token_json(made->info);
        out["token"] = made->token;
        return created(out);
      },
      "json");

  route("GET", "/api/v1/tokens", "Your live API tokens (names and expiry, never the tokens)",
        [this](Call& call) {
          auto tokens = identity_.list_api_tokens(call.caller().user);
          if (!tokens) return Response::error(tokens.error());
          json::array out;
          for (const auto& t : *tokens) out.push_back(token_json(t));
          return Response::json(200, out);
        });

  route("DELETE", "/api/v1/tokens/{id}", "Revoke one of your API tokens", [this](Call& call) {
    if (auto st = identity_.revoke_api_token(call.caller().user, call.req.params["id"]); !st)
      return Response::error(st.error());
    return Response::empty(204);
  });

  route("GET", "/api/v1/users", "Users: your organisation's (administrators: everyone), a page at a time",
        [this](Call& call) {
          auto q = list_query(call.req);
          if (!q) return Response::error(q.error());
          auto users = app::people(wb_, call.caller(), *q);
          if (!users) return Response::error(users.error());
          json::array out;
          for (const auto& u : users->items) out.push_back(user_json(u));
          return Response::json(200,
                                list_page_json(std::move(out), users->total, q->limit, users->next_cursor));
        });

  route(
      "POST", "/api/v1/users", "Add a user (administrators)",
      [this](Call& call) {
        auto body = Body::parse(call.req, {"email", "name", "password", "organisation_id", "roles"});
        if (!body) return Response::error(body.error());
        User u;
        u.email = body->str("email", true);
        u.name = body->str("name", true);
        std::string password = body->str("password", true);
        u.organisation_id = body->integer("organisation_id", true).value_or(0);
        u.roles = body->strs("roles");
        if (auto st = body->done(); !st) return Response::error(st.error());
        auto added = app::add_person(identity_, call.caller(), u, password);
        if (!added) return Response::error(added.error());
        return created(user_json(*added));
      },
      "json");

  route("GET", "/api/v1/organisations", "Organisations that play parties, a page at a time",
        [this](Call& call) {
          auto q = list_query(call.req);
          if (!q) return Response::error(q.error());
          auto orgs = app::organisations(wb_, *q);
          if (!orgs) return Response::error(orgs.error());
          json::array out;
          for (const auto& o : orgs->items) out.push_back(app::organisation_json(o));
          return Response::json(200,
                                list_page_json(std::move(out), orgs->total, q->limit, orgs->next_cursor));
        });

  route(
      "POST", "/api/v1/organisations", "Add an organisation (administrators)",
      [this](Call& call) {
        auto body = Body::parse(call.req, {"name", "ods_code", "type"});
        if (!body) return Response::error(body.error());
        Organisation o{0, body->str("name", true), body->str("ods_code"), body->str("type")};
        if (auto st = body->done(); !st) return Response::error(st.error());
        auto added = app::add_organisation(wb_, call.caller(), o);
        if (!added) return Response::error(added.error());
        return created(app::organisation_json(*added));
      },
      "json");
}

}  // namespace tom::api
