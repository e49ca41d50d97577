#pragma once
// The canonical JSON form of a template: what the store keeps, what `template show --json` and the API print.
#include <boost/json.hpp>

#include "core/error.hpp"
#include "domain/template.hpp"

namespace tom::io {

boost::json::object template_to_json(const domain::Template& t);
// Reads the canonical form back. Validates shape; semantic validation is the caller's (validate_template).
Result<domain::Template> template_from_json(const boost::json::value& v);

}  // namespace tom::io
