#pragma once
// Reports handed to Python as the protobuf message itself (sim/results/report.proto), read in
// place: no JSON text, no dict of dicts built per call. See results_bindings.cpp.
#include <google/protobuf/message.h>
#include <pybind11/pybind11.h>

#include <memory>

namespace eesim::bindings {

// `_core.ReportMessage`, its views and the dict <-> message conversions, on module `m`.
void bind_results(pybind11::module_& m);

// The report as a `_core.ReportMessage` that owns it.
pybind11::object report_object(std::shared_ptr<const google::protobuf::Message> message);

}  // namespace eesim::bindings
