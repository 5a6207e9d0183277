// The evidence pack's documents, each a pure function of PackData written to a stream as it goes, so a fleet of
// 10,000 hosts × 50 checks never needs the whole document in memory.
#pragma once

#include <ostream>

#include "collector/pack/pack_model.hpp"

namespace annexa::collector::pack {

// NIST OSCAL 1.1.2 assessment-results (JSON): one result for the period, hosts as inventory items, one
// observation per host × check, one finding per applicable control, the risk register's linked risks.
// UUIDs are name-based, so the same data gives the same bytes.
void writeAssessmentResults(const PackData& data, std::ostream& out, const PackProgress& progress = {});

// RFC 4180 CSVs with a header row, CRLF line ends and RFC 3339 UTC times.
void writeControlsCsv(const PackData& data, std::ostream& out);
void writeResultsCsv(const PackData& data, std::ostream& out);
void writeSoaCsv(const PackData& data, std::ostream& out);
void writeNonConformitiesCsv(const PackData& data, std::ostream& out);
void writeExceptionsCsv(const PackData& data, std::ostream& out);
void writeRisksCsv(const PackData& data, std::ostream& out);

// One self-contained HTML page (inline CSS and SVG, nothing fetched) for the auditor and the management review.
void writeReportHtml(const PackData& data, std::ostream& out);

}  // namespace annexa::collector::pack
