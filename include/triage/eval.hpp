// The former name of backtest.hpp ("eval" read too much like "evaluation.hpp", the per-ticket
// context). Kept so that code written against 0.2 still compiles; include backtest.hpp instead.
#pragma once

#include "triage/backtest.hpp"
