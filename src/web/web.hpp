#pragma once
// The web pages: server-rendered HTML in the NHS.UK design system over the same core as the API. Every action
// is a plain form post (no JavaScript needed); sessions are the API's cookie sessions and every form carries
// the session's CSRF token.
#include "api/api.hpp"

namespace tom::web {

// Adds the pages and the static assets to the API's router.
void add_pages(api::Api& api);

}  // namespace tom::web
