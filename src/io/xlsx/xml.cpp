#include "io/xlsx/xml.hpp"

#include <expat.h>

#include <algorithm>
#include <memory>

namespace tom::io::xlsx {

std::optional<std::string_view> XmlAttrs::get(std::string_view local) const {
  for (const char** a = raw_; a && a[0]; a += 2) {
    std::string_view name(a[0]);
    if (name.substr(0, 5) == "xmlns" && (name.size() == 5 || name[5] == ':')) continue;
    if (local_name(name) == local) return std::string_view(a[1]);
  }
  return std::nullopt;
}

namespace {

struct Context {
  XML_Parser parser;
  XmlHandler* handler;
  std::string refused;  // why the parse was stopped by this wrapper (DOCTYPE, entities)
};

void stop(Context* ctx) {
  XML_StopParser(ctx->parser, XML_FALSE);
}

void XMLCALL on_start(void* data, const XML_Char* name, const XML_Char** attrs) {
  auto* ctx = static_cast<Context*>(data);
  ctx->handler->start(local_name(name), XmlAttrs(attrs));
  if (ctx->handler->error()) stop(ctx);
}

void XMLCALL on_end(void* data, const XML_Char* name) {
  auto* ctx = static_cast<Context*>(data);
  ctx->handler->end(local_name(name));
  if (ctx->handler->error()) stop(ctx);
}

void XMLCALL on_text(void* data, const XML_Char* s, int len) {
  auto* ctx = static_cast<Context*>(data);
  ctx->handler->text(std::string_view(s, static_cast<size_t>(len)));
  if (ctx->handler->error()) stop(ctx);
}

void XMLCALL on_doctype(void* data, const XML_Char*, const XML_Char*, const XML_Char*, int) {
  auto* ctx = static_cast<Context*>(data);
  if (ctx->refused.empty()) ctx->refused = "a DOCTYPE declaration is not allowed in a workbook part";
  stop(ctx);
}

void XMLCALL on_entity(void* data, const XML_Char*, int, const XML_Char*, int, const XML_Char*,
                       const XML_Char*, const XML_Char*, const XML_Char*) {
  auto* ctx = static_cast<Context*>(data);
  if (ctx->refused.empty()) ctx->refused = "entity declarations are not allowed in a workbook part";
  stop(ctx);
}

int XMLCALL on_external_entity(XML_Parser parser, const XML_Char*, const XML_Char*, const XML_Char*,
                               const XML_Char*) {
  auto* ctx = static_cast<Context*>(XML_GetUserData(parser));
  if (ctx->refused.empty()) ctx->refused = "external entities are not allowed in a workbook part";
  return XML_STATUS_ERROR;
}

struct ParserDeleter {
  void operator()(XML_ParserStruct* p) const { XML_ParserFree(p); }
};

}  // namespace

Status parse_xml(std::string_view doc, const std::string& where, XmlHandler& handler) {
  std::unique_ptr<XML_ParserStruct, ParserDeleter> parser(XML_ParserCreate(nullptr));
  if (!parser) return Error::internal("XML_ParserCreate failed");
  Context ctx{parser.get(), &handler, {}};
  XML_Parser p = parser.get();
  XML_SetUserData(p, &ctx);
  XML_SetElementHandler(p, on_start, on_end);
  XML_SetCharacterDataHandler(p, on_text);
  XML_SetStartDoctypeDeclHandler(p, on_doctype);
  XML_SetEntityDeclHandler(p, on_entity);
  XML_SetExternalEntityRefHandler(p, on_external_entity);
  XML_SetParamEntityParsing(p, XML_PARAM_ENTITY_PARSING_NEVER);

  constexpr size_t kChunk = 1 << 24;
  size_t at = 0;
  do {
    size_t n = std::min(kChunk, doc.size() - at);
    bool last = at + n == doc.size();
    if (XML_Parse(p, doc.data() + at, static_cast<int>(n), last ? XML_TRUE : XML_FALSE) != XML_STATUS_OK) {
      if (handler.error()) {
        Error e = *handler.error();
        return e;
      }
      std::string pos = " at line " + std::to_string(XML_GetCurrentLineNumber(p)) + ", column " +
                        std::to_string(XML_GetCurrentColumnNumber(p) + 1);
      if (!ctx.refused.empty()) return Error::invalid(where + ": " + ctx.refused + pos);
      return Error::invalid(where + ": malformed XML" + pos + ": " + XML_ErrorString(XML_GetErrorCode(p)));
    }
    at += n;
  } while (at < doc.size());
  if (handler.error()) return *handler.error();
  return ok_status();
}

}  // namespace tom::io::xlsx
