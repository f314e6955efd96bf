#include "catalog_service/domain/film_order.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "absl/time/time.h"

namespace longtake::catalog::internal {

bool FilmLess(FilmOrder order, const FilmRecord& a, const FilmRecord& b) {
  return Less(order, a, b);
}
bool FilmLess(FilmOrder order, const FilmRecord& a, const FilmKey& b) {
  return Less(order, a, b);
}
bool FilmLess(FilmOrder order, const FilmKey& a, const FilmRecord& b) {
  return Less(order, a, b);
}

FilmKey KeyOf(const FilmRecord& rec) {
  return {std::string(rec.title_key()), rec.year(), std::string(rec.name()),
          rec.runtime_minutes(), rec.rating()};
}

std::vector<std::string> OrderSequences(
    const std::vector<const Sequence*>& sequences, int runtime_minutes) {
  using P = Timecode::Precision;
  // Fraction positions need a running time; 100 minutes stands in when unknown.
  double runtime_s = (runtime_minutes > 0 ? runtime_minutes : 100) * 60.0;
  std::vector<std::pair<double, const Sequence*>> anchored;
  std::vector<const Sequence*> relative;
  for (const Sequence* s : sequences) {
    switch (s->start.precision) {
      case P::kExact:
      case P::kApproximate:
        anchored.push_back({absl::ToDoubleSeconds(s->start.offset), s});
        break;
      case P::kFractionOfRuntime:
        anchored.push_back({s->start.fraction * runtime_s, s});
        break;
      case P::kRelative:
        relative.push_back(s);
        break;
      case P::kUnspecified:
        anchored.push_back({0, s});
        break;
    }
  }
  std::sort(anchored.begin(), anchored.end(), [](const auto& a, const auto& b) {
    if (a.first != b.first) return a.first < b.first;
    return a.second->name < b.second->name;
  });
  std::sort(
      relative.begin(), relative.end(),
      [](const Sequence* a, const Sequence* b) { return a->name < b->name; });
  std::vector<std::string> out;
  for (const auto& [pos, s] : anchored) out.push_back(s->name);
  // Place relative sequences next to their anchors, repeating while chains
  // resolve; unresolvable ones (dangling or cyclic) go last.
  bool progress = true;
  while (!relative.empty() && progress) {
    progress = false;
    for (auto it = relative.begin(); it != relative.end();) {
      const Sequence* s = *it;
      auto target = std::find(out.begin(), out.end(), s->start.relative_to);
      if (target == out.end()) {
        ++it;
        continue;
      }
      if (s->start.relation == Timecode::Relation::kAfter) ++target;
      out.insert(target, s->name);
      it = relative.erase(it);
      progress = true;
    }
  }
  for (const Sequence* s : relative) out.push_back(s->name);
  return out;
}

}  // namespace longtake::catalog::internal
