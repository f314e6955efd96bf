#pragma once

// Prometheus metrics kept in process and rendered in the text exposition
// format 0.0.4: counters, gauges (set, or read from a callback when scraped)
// and histograms with fixed buckets, each optionally split by labels.
//
//   metrics::Registry registry;
//   metrics::Family<metrics::Counter>& calls = registry.AddCounterFamily(
//       "longtake_grpc_server_calls_total", "Calls answered.",
//       {"method", "code"});
//   calls.WithLabels({"GetFilm", "OK"}).Increment();     // keep the reference
//   metrics::Histogram& latency = registry.AddHistogram(
//       "longtake_catalog_call_duration_seconds", "...",
//       metrics::kLatencyBuckets);
//   latency.Observe(0.003);
//   registry.AddCallbackGauge("longtake_catalog_read_model_films", "...",
//                             [&] { return double(catalog.film_count()); });
//   std::string text = registry.Render();                 // GET /metrics
//
// The hot path takes no lock: recording is a relaxed atomic add, and
// WithLabels finds an existing series in an immutable snapshot published
// atomically (a mutex is only taken the first time a label set is seen).
// References returned by Add* and WithLabels stay valid while the registry
// lives. A bad metric or label name, or a name registered twice, is a
// programming error (std::logic_error), like a flag registered twice.

#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"

namespace longtake::metrics {

// Latency buckets in seconds, from 0.5 ms to 10 s.
inline const std::vector<double> kLatencyBuckets = {
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
    0.1,    0.25,  0.5,    1,     2.5,  5,     10};

// A monotonically increasing count.
class Counter {
 public:
  void Increment(uint64_t n = 1) {
    value_.fetch_add(n, std::memory_order_relaxed);
  }
  uint64_t value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<uint64_t> value_{0};
};

// A value that goes up and down.
class Gauge {
 public:
  void Set(double value) { value_.store(value, std::memory_order_relaxed); }
  void Add(double delta) { value_.fetch_add(delta, std::memory_order_relaxed); }
  double value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

// Observations counted into fixed buckets (upper bounds, inclusive, as
// Prometheus' `le`), with their sum and count.
class Histogram {
 public:
  // `bounds` must be sorted ascending and finite; +Inf is implicit.
  explicit Histogram(std::vector<double> bounds);

  void Observe(double value);

  struct Snapshot {
    std::vector<uint64_t> cumulative;  // one per bound, then +Inf (= count)
    double sum = 0;
    uint64_t count = 0;
  };
  Snapshot Take() const;
  const std::vector<double>& bounds() const { return bounds_; }

 private:
  std::vector<double> bounds_;
  std::unique_ptr<std::atomic<uint64_t>[]> buckets_;  // bounds_.size() + 1
  std::atomic<double> sum_{0};
};

namespace metrics_internal {
// Makes a metric of a family (histograms need their bounds).
template <typename T>
struct Factory {
  std::unique_ptr<T> Make() const { return std::make_unique<T>(); }
};
template <>
struct Factory<Histogram> {
  std::vector<double> bounds;
  std::unique_ptr<Histogram> Make() const {
    return std::make_unique<Histogram>(bounds);
  }
};
}  // namespace metrics_internal

// One metric name with a fixed list of label names; each distinct list of
// label values is a series.
template <typename T>
class Family {
 public:
  struct Series {
    std::vector<std::string> label_values;
    std::unique_ptr<T> metric;
  };

  Family(std::vector<std::string> label_names,
         metrics_internal::Factory<T> factory)
      : label_names_(std::move(label_names)), factory_(std::move(factory)) {
    snapshot_.store(&versions_.emplace_back(), std::memory_order_release);
  }
  Family(const Family&) = delete;
  Family& operator=(const Family&) = delete;

  // The series for `values` (one per label name, in order), created on
  // first use. Passing the wrong number of values is a logic_error.
  T& WithLabels(const std::vector<absl::string_view>& values);

  const std::vector<std::string>& label_names() const { return label_names_; }
  // Every series so far, in creation order (for rendering).
  std::vector<const Series*> AllSeries() const;

 private:
  using Map = absl::flat_hash_map<std::string, const Series*>;
  static std::string Key(const std::vector<absl::string_view>& values);

  const std::vector<std::string> label_names_;
  const metrics_internal::Factory<T> factory_;
  std::atomic<const Map*> snapshot_{nullptr};
  mutable absl::Mutex mu_;
  // Every published map stays alive (readers may hold an old one); the
  // number of versions is the number of label sets, which callers bound.
  std::deque<Map> versions_;
  std::deque<Series> series_;
};

class Registry {
 public:
  Registry() = default;
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  Counter& AddCounter(std::string name, std::string help);
  Family<Counter>& AddCounterFamily(std::string name, std::string help,
                                    std::vector<std::string> label_names);
  Gauge& AddGauge(std::string name, std::string help);
  Family<Gauge>& AddGaugeFamily(std::string name, std::string help,
                                std::vector<std::string> label_names);
  // A gauge whose value `read` gives when scraped (from the scraping
  // thread: it must be thread-safe and quick).
  void AddCallbackGauge(std::string name, std::string help,
                        std::function<double()> read);
  Histogram& AddHistogram(std::string name, std::string help,
                          std::vector<double> bounds);
  Family<Histogram>& AddHistogramFamily(std::string name, std::string help,
                                        std::vector<std::string> label_names,
                                        std::vector<double> bounds);

  // Every metric in the text exposition format 0.0.4, in registration order.
  std::string Render() const;

 private:
  struct Entry {
    std::string name;
    std::string help;
    const char* type;
    std::function<void(const std::string& name, std::string* out)> render;
  };
  Entry& Add(std::string name, std::string help, const char* type,
             const std::vector<std::string>& label_names);

  mutable absl::Mutex mu_;
  std::deque<Entry> entries_;
  std::deque<std::unique_ptr<Family<Counter>>> counters_;
  std::deque<std::unique_ptr<Family<Gauge>>> gauges_;
  std::deque<std::unique_ptr<Family<Histogram>>> histograms_;
};

// The content type of Render()'s output.
inline constexpr char kTextContentType[] =
    "text/plain; version=0.0.4; charset=utf-8";

// Text format helpers (exposed for tests): a label value with \, " and
// newline escaped; HELP text with \ and newline escaped; a sample value
// ("+Inf", "-Inf", "NaN", or the shortest decimal that reads back exactly).
std::string EscapeLabelValue(absl::string_view value);
std::string EscapeHelp(absl::string_view help);
std::string FormatValue(double value);

// ---- Implementation of the template ----

template <typename T>
std::string Family<T>::Key(const std::vector<absl::string_view>& values) {
  std::string key;
  for (absl::string_view v : values) {
    key.append(v.data(), v.size());
    key.push_back('\xff');  // never in UTF-8 text
  }
  return key;
}

template <typename T>
T& Family<T>::WithLabels(const std::vector<absl::string_view>& values) {
  if (values.size() != label_names_.size()) {
    throw std::logic_error("metrics: wrong number of label values");
  }
  const std::string key = Key(values);
  const Map* map = snapshot_.load(std::memory_order_acquire);
  if (auto it = map->find(key); it != map->end()) return *it->second->metric;
  absl::MutexLock lock(&mu_);
  map = snapshot_.load(std::memory_order_acquire);
  if (auto it = map->find(key); it != map->end()) return *it->second->metric;
  Series& series = series_.emplace_back();
  for (absl::string_view v : values) series.label_values.emplace_back(v);
  series.metric = factory_.Make();
  Map& next = versions_.emplace_back(*map);
  next.emplace(key, &series);
  snapshot_.store(&next, std::memory_order_release);
  return *series.metric;
}

template <typename T>
std::vector<const typename Family<T>::Series*> Family<T>::AllSeries() const {
  absl::MutexLock lock(&mu_);
  std::vector<const Series*> out;
  out.reserve(series_.size());
  for (const Series& s : series_) out.push_back(&s);
  return out;
}

}  // namespace longtake::metrics
