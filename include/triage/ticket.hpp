// The ticket: what a customer said and what the help desk knows about them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "triage/error.hpp"
#include "triage/timestamp.hpp"

namespace triage {
inline namespace v1 {

// `unspecified` is the absent field; every other value has exactly one JSON spelling.
enum class Channel : std::uint8_t {
  unspecified,
  phone,
  chat,
  email,
  web,
  app,
  social,
  wechat,
  dingtalk,
  mini_program,
  other
};
enum class Tier : std::uint8_t { unspecified, vip, regular, enterprise };
enum class Tenure : std::uint8_t { unspecified, new_customer, returning };
enum class Frequency : std::uint8_t { unspecified, first, occasional, persistent };
enum class Impact : std::uint8_t { unspecified, single, many };

std::string_view to_string(Channel v) noexcept;
std::string_view to_string(Tier v) noexcept;
std::string_view to_string(Tenure v) noexcept;
std::string_view to_string(Frequency v) noexcept;
std::string_view to_string(Impact v) noexcept;

struct Customer {
  std::optional<std::string> id, name, phone, email;
  Tier tier = Tier::unspecified;
  Tenure tenure = Tenure::unspecified;
  boost::json::object extra;  ///< unknown fields, passed through untouched

  friend bool operator==(const Customer&, const Customer&) = default;
};

struct Ticket {
  std::string text;  ///< the customer's own words, verbatim (required)
  std::optional<std::string> id;
  Channel channel = Channel::unspecified;
  std::optional<Timestamp> created_at;
  std::optional<Customer> customer;
  std::optional<std::string> subject, module, product, version, os, order_id, error_message;
  std::optional<Timestamp> occurred_at;
  Frequency frequency = Frequency::unspecified;
  std::optional<std::vector<std::string>> attempted;
  Impact impact = Impact::unspecified;
  boost::json::object extra;  ///< unknown fields, passed through untouched

  friend bool operator==(const Ticket&, const Ticket&) = default;
};

/// Fixed limits of every ticket document: JSON nesting, and each of the other strings (`id`,
/// `module`, `product`, `version`, `os`, `order_id`, `customer.*`).
inline constexpr std::size_t max_json_depth = 64;
inline constexpr std::size_t max_ticket_string_bytes = 4096;

struct TicketLimits {
  std::size_t max_text_bytes = 1 << 20;  ///< per text field (text, subject, error_message)
  /// The whole JSON document, pass-through fields included: bounds what one line can cost.
  std::size_t max_ticket_bytes = 8 << 20;
};

/// Reads a ticket from a parsed JSON value; errors name the JSON pointer of the bad field.
Result<Ticket> ticket_from_json(const boost::json::value& v, const TicketLimits& limits = {});
/// Parses JSON text (UTF-8, at most 64 levels deep, at most `max_ticket_bytes`) and reads a
/// ticket from it.
Result<Ticket> parse_ticket(std::string_view json, const TicketLimits& limits = {});
/// Writes a ticket back; `ticket_from_json(to_json(t)) == t` for every ticket.
boost::json::object to_json(const Ticket& t);

/// Parses JSON text with the library's limits; syntax errors carry line and column.
Result<boost::json::value> parse_json(std::string_view json, std::string_view where = "");

}  // namespace v1
}  // namespace triage
