#pragma once

// A CatalogStore that counts the failures of the store it wraps
// (longtake_store_errors_total, common/metrics/store_errors.h) and otherwise
// passes every call through.
//
//   auto store = OpenCatalogStore(url);
//   auto metered = std::make_unique<MeteredCatalogStore>(*std::move(store),
//                                                        registry);

#include <memory>

#include "catalog_service/domain/catalog_store.h"
#include "common/metrics/store_errors.h"

namespace longtake::catalog {

class MeteredCatalogStore : public CatalogStore {
 public:
  MeteredCatalogStore(std::unique_ptr<CatalogStore> inner,
                      metrics::Registry& registry)
      : inner_(std::move(inner)), errors_(registry) {}

  absl::StatusOr<CatalogSnapshot> LoadAll() override {
    return errors_.Check("LoadAll", inner_->LoadAll());
  }
  absl::Status Apply(const WriteBatch& batch) override {
    return errors_.Check("Apply", inner_->Apply(batch));
  }
  absl::StatusOr<std::optional<RequestRecord>> LookupRequest(
      const std::string& request_id) override {
    return errors_.Check("LookupRequest", inner_->LookupRequest(request_id));
  }
  absl::StatusOr<int64_t> Revision() override {
    return errors_.Check("Revision", inner_->Revision());
  }
  absl::StatusOr<std::string> StoreId() override {
    return errors_.Check("StoreId", inner_->StoreId());
  }
  absl::StatusOr<ChangePage> ChangesAfter(int64_t position,
                                          int max_revisions) override {
    return errors_.Check("ChangesAfter",
                         inner_->ChangesAfter(position, max_revisions));
  }
  absl::StatusOr<int64_t> TrimChangeLog(int64_t keep) override {
    return errors_.Check("TrimChangeLog", inner_->TrimChangeLog(keep));
  }
  bool NotifiesCommits() const override { return inner_->NotifiesCommits(); }
  // Not counted: an error here means notifications are down for a while,
  // which the domain logs and covers by polling.
  absl::StatusOr<bool> WaitForCommit(absl::Duration timeout) override {
    return inner_->WaitForCommit(timeout);
  }

 private:
  std::unique_ptr<CatalogStore> inner_;
  metrics::StoreErrorCounter errors_;
};

}  // namespace longtake::catalog
