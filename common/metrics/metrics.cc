#include "common/metrics/metrics.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <stdexcept>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace longtake::metrics {
namespace {

bool ValidName(absl::string_view name, bool allow_colon) {
  if (name.empty()) return false;
  for (size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    const bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                        c == '_' || (allow_colon && c == ':');
    const bool digit = c >= '0' && c <= '9';
    if (!letter && !(digit && i > 0)) return false;
  }
  return true;
}

// `{a="x",b="y"` without the closing brace, or "" when there are no labels.
std::string OpenLabels(const std::vector<std::string>& names,
                       const std::vector<std::string>& values) {
  if (names.empty()) return "";
  std::string out = "{";
  for (size_t i = 0; i < names.size(); ++i) {
    if (i > 0) out += ',';
    absl::StrAppend(&out, names[i], "=\"", EscapeLabelValue(values[i]), "\"");
  }
  return out;
}

std::string CloseLabels(const std::string& open) {
  return open.empty() ? "" : open + "}";
}

template <typename T, typename Value>
void RenderSimple(const Family<T>& family, const std::string& name,
                  std::string* out, Value value) {
  for (const auto* series : family.AllSeries()) {
    absl::StrAppend(
        out, name,
        CloseLabels(OpenLabels(family.label_names(), series->label_values)),
        " ", value(*series->metric), "\n");
  }
}

void RenderHistograms(const Family<Histogram>& family, const std::string& name,
                      std::string* out) {
  for (const auto* series : family.AllSeries()) {
    const std::string open =
        OpenLabels(family.label_names(), series->label_values);
    const std::string prefix = open.empty() ? "{" : open + ",";
    const Histogram& h = *series->metric;
    const Histogram::Snapshot snap = h.Take();
    for (size_t i = 0; i < snap.cumulative.size(); ++i) {
      const std::string le =
          i < h.bounds().size() ? FormatValue(h.bounds()[i]) : "+Inf";
      absl::StrAppend(out, name, "_bucket", prefix, "le=\"", le, "\"} ",
                      snap.cumulative[i], "\n");
    }
    const std::string labels = CloseLabels(open);
    absl::StrAppend(out, name, "_sum", labels, " ", FormatValue(snap.sum),
                    "\n");
    absl::StrAppend(out, name, "_count", labels, " ", snap.count, "\n");
  }
}

}  // namespace

Histogram::Histogram(std::vector<double> bounds)
    : bounds_(std::move(bounds)),
      buckets_(new std::atomic<uint64_t>[bounds_.size() + 1]) {
  for (size_t i = 0; i < bounds_.size(); ++i) {
    if (!std::isfinite(bounds_[i]) || (i > 0 && bounds_[i] <= bounds_[i - 1])) {
      throw std::logic_error(
          "metrics: histogram bounds must be finite and ascending");
    }
  }
  for (size_t i = 0; i <= bounds_.size(); ++i) buckets_[i].store(0);
}

void Histogram::Observe(double value) {
  if (std::isnan(value)) return;
  // The first bound >= value: Prometheus buckets are "less or equal".
  const size_t index =
      std::lower_bound(bounds_.begin(), bounds_.end(), value) - bounds_.begin();
  buckets_[index].fetch_add(1, std::memory_order_relaxed);
  sum_.fetch_add(value, std::memory_order_relaxed);
}

Histogram::Snapshot Histogram::Take() const {
  Snapshot snap;
  snap.cumulative.resize(bounds_.size() + 1);
  uint64_t running = 0;
  for (size_t i = 0; i <= bounds_.size(); ++i) {
    running += buckets_[i].load(std::memory_order_relaxed);
    snap.cumulative[i] = running;
  }
  // The count is the +Inf bucket, so the two always agree.
  snap.count = running;
  snap.sum = sum_.load(std::memory_order_relaxed);
  return snap;
}

Registry::Entry& Registry::Add(std::string name, std::string help,
                               const char* type,
                               const std::vector<std::string>& label_names) {
  if (!ValidName(name, /*allow_colon=*/true)) {
    throw std::logic_error(absl::StrCat("metrics: bad metric name ", name));
  }
  for (const std::string& label : label_names) {
    if (!ValidName(label, false) || absl::StartsWith(label, "__") ||
        label == "le") {
      throw std::logic_error(absl::StrCat("metrics: bad label name ", label));
    }
  }
  absl::MutexLock lock(&mu_);
  for (const Entry& e : entries_) {
    if (e.name == name) {
      throw std::logic_error(
          absl::StrCat("metrics: ", name, " registered twice"));
    }
  }
  Entry& entry = entries_.emplace_back();
  entry.name = std::move(name);
  entry.help = std::move(help);
  entry.type = type;
  return entry;
}

Family<Counter>& Registry::AddCounterFamily(
    std::string name, std::string help, std::vector<std::string> label_names) {
  Entry& entry = Add(std::move(name), std::move(help), "counter", label_names);
  auto& family = counters_.emplace_back(std::make_unique<Family<Counter>>(
      std::move(label_names), metrics_internal::Factory<Counter>{}));
  Family<Counter>* f = family.get();
  entry.render = [f](const std::string& n, std::string* out) {
    RenderSimple(*f, n, out, [](const Counter& c) { return c.value(); });
  };
  return *f;
}

Counter& Registry::AddCounter(std::string name, std::string help) {
  return AddCounterFamily(std::move(name), std::move(help), {}).WithLabels({});
}

Family<Gauge>& Registry::AddGaugeFamily(std::string name, std::string help,
                                        std::vector<std::string> label_names) {
  Entry& entry = Add(std::move(name), std::move(help), "gauge", label_names);
  auto& family = gauges_.emplace_back(std::make_unique<Family<Gauge>>(
      std::move(label_names), metrics_internal::Factory<Gauge>{}));
  Family<Gauge>* f = family.get();
  entry.render = [f](const std::string& n, std::string* out) {
    RenderSimple(*f, n, out,
                 [](const Gauge& g) { return FormatValue(g.value()); });
  };
  return *f;
}

Gauge& Registry::AddGauge(std::string name, std::string help) {
  return AddGaugeFamily(std::move(name), std::move(help), {}).WithLabels({});
}

void Registry::AddCallbackGauge(std::string name, std::string help,
                                std::function<double()> read) {
  Entry& entry = Add(std::move(name), std::move(help), "gauge", {});
  entry.render = [read = std::move(read)](const std::string& n,
                                          std::string* out) {
    absl::StrAppend(out, n, " ", FormatValue(read()), "\n");
  };
}

Family<Histogram>& Registry::AddHistogramFamily(
    std::string name, std::string help, std::vector<std::string> label_names,
    std::vector<double> bounds) {
  Histogram check(bounds);  // bad bounds fail now, not at first use
  Entry& entry =
      Add(std::move(name), std::move(help), "histogram", label_names);
  auto& family = histograms_.emplace_back(std::make_unique<Family<Histogram>>(
      std::move(label_names),
      metrics_internal::Factory<Histogram>{std::move(bounds)}));
  Family<Histogram>* f = family.get();
  entry.render = [f](const std::string& n, std::string* out) {
    RenderHistograms(*f, n, out);
  };
  return *f;
}

Histogram& Registry::AddHistogram(std::string name, std::string help,
                                  std::vector<double> bounds) {
  return AddHistogramFamily(std::move(name), std::move(help), {},
                            std::move(bounds))
      .WithLabels({});
}

std::string Registry::Render() const {
  absl::MutexLock lock(&mu_);
  std::string out;
  for (const Entry& e : entries_) {
    absl::StrAppend(&out, "# HELP ", e.name, " ", EscapeHelp(e.help), "\n");
    absl::StrAppend(&out, "# TYPE ", e.name, " ", e.type, "\n");
    if (e.render) e.render(e.name, &out);
  }
  return out;
}

std::string EscapeLabelValue(absl::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case '"':
        out += "\\\"";
        break;
      case '\n':
        out += "\\n";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string EscapeHelp(absl::string_view help) {
  std::string out;
  out.reserve(help.size());
  for (char c : help) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

std::string FormatValue(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  // Plain decimals ("0.0005", "1733285622.5") where they fit, as other
  // Prometheus clients write bucket bounds; exponents for extreme values.
  char buffer[64];
  auto fixed = std::to_chars(buffer, buffer + sizeof(buffer), value,
                             std::chars_format::fixed);
  if (fixed.ec == std::errc()) return std::string(buffer, fixed.ptr);
  auto shortest = std::to_chars(buffer, buffer + sizeof(buffer), value);
  if (shortest.ec != std::errc()) return "NaN";
  return std::string(buffer, shortest.ptr);
}

}  // namespace longtake::metrics
