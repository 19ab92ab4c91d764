#include <iostream>

#include <triage/triage.hpp>

int main() {
  auto ticket = triage::parse_ticket(R"({"text":"APP一直闪退，打不开"})");
  if (!ticket) return 1;
  const auto d = triage::Engine::builtin().diagnose(*ticket);
  const auto* pt = d.label("problem_type");
  std::cout << (pt && pt->value ? *pt->value : "none") << "\n";
  return pt && pt->value == "system_failure" ? 0 : 1;
}
