#include "tools/bench/soak_load.h"

namespace longtake::bench {

grpc::Status CallRead(Method method, int i, const Clients& clients,
                      const std::vector<User>& users) {
  static const std::array<const char*, 3> kNames = {
      "films/the-cranes-are-flying", "films/i-am-cuba",
      "films/letter-never-sent"};
  static const std::array<const char*, 5> kQueries = {
      "kalatozov", "cranes", "soy cuba", "letter never", "urusevsky"};
  const User& user = users[i % users.size()];
  switch (method) {
    case kGetFilm: {
      catalog::GetFilmRequest request;
      request.set_name(kNames[i % kNames.size()]);
      catalog::Film response;
      return clients.catalog->GetFilm(Context("").get(), request, &response);
    }
    case kSearchFilms: {
      catalog::SearchFilmsRequest request;
      request.set_query(kQueries[i % kQueries.size()]);
      request.set_page_size(10);
      catalog::SearchFilmsResponse response;
      return clients.catalog->SearchFilms(Context("").get(), request,
                                          &response);
    }
    case kListWatchlistItems: {
      watchlist::ListWatchlistItemsRequest request;
      request.set_parent("users/" + user.name);
      watchlist::ListWatchlistItemsResponse response;
      grpc::Status s = clients.watchlist->ListWatchlistItems(
          Context(user.token).get(), request, &response);
      if (s.ok() &&
          (response.items_size() == 0 || !response.items(0).enriched())) {
        return grpc::Status(grpc::StatusCode::INTERNAL,
                            "list empty or not enriched");
      }
      return s;
    }
    default: {
      watchlist::WhereToWatchRequest request;
      request.set_film(kFilm);
      request.set_region(kRegion);
      watchlist::WhereToWatchResponse response;
      return clients.watchlist->WhereToWatch(Context(user.token).get(), request,
                                             &response);
    }
  }
}

void ReadLoop(int t, int threads, const Clients& clients,
              const std::vector<User>& users, const std::atomic<bool>& stop,
              CallStats& stats) {
  for (int n = 0; !stop; ++n) {
    auto method = static_cast<Method>((n + t) % kReadMethods);
    auto start = Clock::now();
    stats.Record(method, CallRead(method, n * threads + t, clients, users),
                 start);
  }
}

}  // namespace longtake::bench
