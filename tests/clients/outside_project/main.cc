// Prints a film's title using the installed longtake client library.
//   print_film 127.0.0.1:50051 films/the-cranes-are-flying
#include <iostream>

#include "longtake/client/client.h"

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: print_film ADDRESS films/NAME\n";
    return 2;
  }
  longtake::client::ClientOptions options;
  options.address = argv[1];
  longtake::client::CatalogClient catalog(options);
  longtake::catalog::v1::GetFilmRequest request;
  request.set_name(argv[2]);
  absl::StatusOr<longtake::catalog::v1::Film> film = catalog.GetFilm(request);
  if (!film.ok()) {
    std::cerr << longtake::client::DescribeError(film.status()) << "\n";
    return 1;
  }
  std::cout << film->title() << " (" << film->year() << ")\n";
  return 0;
}
