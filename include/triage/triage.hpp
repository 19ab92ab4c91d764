// Umbrella header: everything a C++ host needs.
#pragma once

#include "triage/batch.hpp"
#include "triage/classifier.hpp"
#include "triage/diagnosis.hpp"
#include "triage/engine.hpp"
#include "triage/entities.hpp"
#include "triage/error.hpp"
#include "triage/evaluation.hpp"
#include "triage/fold.hpp"
#include "triage/matcher.hpp"
#include "triage/pack.hpp"
#include "triage/request_id.hpp"
#include "triage/ticket.hpp"
#include "triage/timestamp.hpp"
#include "triage/version.hpp"
