// The engine's half of dedup across ranks (dist/key_exchange.hpp), with the ranks simulated by
// threads of this process: records reach their owner, merge per key, and come back in order.
#include "dist/key_exchange.hpp"

#include <doctest/doctest.h>

#include <barrier>
#include <cstring>
#include <map>
#include <set>
#include <stdexcept>
#include <thread>

namespace {

using loom::dist::KeyLayout;

// R ranks as threads; all_to_all through a shared mailbox between two barriers.
struct Network {
  explicit Network(int ranks)
      : ranks(ranks), mailbox(static_cast<std::size_t>(ranks) * ranks), meet(ranks) {}
  int ranks;
  std::vector<std::string> mailbox;  // [from * ranks + to]
  std::barrier<> meet;
  int calls = 0;  // all_to_all calls of rank 0
};

class ThreadRank final : public loom::dist::Job {
 public:
  ThreadRank(Network& net, int rank) : net_(net), rank_(rank) {}
  int rank() const override { return rank_; }
  int size() const override { return net_.ranks; }
  const std::string& host() const override { return host_; }
  void watch_for_stop(std::atomic<bool>&) override {}
  bool end_stop_watch(bool) override { return false; }
  int max_over_ranks(int value) override { return value; }
  std::vector<std::string> gather_at_root(const std::string& bytes) override { return {bytes}; }
  bool begin_key_exchange(bool ready) override { return ready; }
  std::vector<std::string> all_to_all(const std::vector<std::string>& to) override {
    const auto n = static_cast<std::size_t>(net_.ranks), me = static_cast<std::size_t>(rank_);
    if (rank_ == 0) ++net_.calls;
    for (std::size_t r = 0; r < n; ++r) net_.mailbox[me * n + r] = to[r];
    net_.meet.arrive_and_wait();
    std::vector<std::string> from(n);
    for (std::size_t r = 0; r < n; ++r) from[r] = net_.mailbox[r * n + me];
    net_.meet.arrive_and_wait();
    return from;
  }
  std::uint64_t bytes_exchanged() const override { return 0; }

 private:
  Network& net_;
  int rank_;
  std::string host_ = "test";
};

struct Record {
  std::uint64_t key;
  std::uint64_t position;
  std::uint64_t count;
  char payload;
};

std::string encode(const std::vector<Record>& records) {
  std::string bytes;
  for (const Record& r : records) {
    bytes.append(reinterpret_cast<const char*>(&r.key), 8);
    bytes.append(reinterpret_cast<const char*>(&r.position), 8);
    bytes.append(reinterpret_cast<const char*>(&r.count), 8);
    bytes.push_back(r.payload);
  }
  return bytes;
}

struct Summary {
  std::uint64_t position, count;
  char payload;
};

std::vector<Summary> decode(const std::string& bytes) {
  std::vector<Summary> out;
  for (std::size_t at = 0; at + 17 <= bytes.size(); at += 17) {
    Summary s{};
    std::memcpy(&s.position, bytes.data() + at, 8);
    std::memcpy(&s.count, bytes.data() + at + 8, 8);
    s.payload = bytes[at + 16];
    out.push_back(s);
  }
  return out;
}

}  // namespace

TEST_CASE("key exchange: each rank gets, in its order, the job's merge of its keys") {
  const KeyLayout layout{8, 1};
  // Rank r holds keys r*3 .. r*3+40 (overlapping its neighbours'), positions 100*r + key, with
  // its rank as payload; key 7 also appears on every rank with count 2. Without a memory budget
  // the exchange is one pass (a count, the records, the replies: 3 calls); with a budget of 2000
  // bytes (41 records of 25 bytes need about 6 KB) it takes several, with the same result.
  for (const std::size_t budget : {std::size_t{SIZE_MAX}, std::size_t{2000}})
    for (const int ranks : {1, 2, 3, 5}) {
      std::vector<std::vector<Record>> mine(static_cast<std::size_t>(ranks));
      std::map<std::uint64_t, Summary> expected;
      for (int r = 0; r < ranks; ++r) {
        for (std::uint64_t k = 40; k-- > 0;) {  // descending: the order must come back as sent
          const std::uint64_t key = static_cast<std::uint64_t>(r) * 3 + k;
          const Record rec{key, 100 * static_cast<std::uint64_t>(r) + key, 1,
                           static_cast<char>('a' + r)};
          mine[static_cast<std::size_t>(r)].push_back(rec);
          auto [it, added] = expected.try_emplace(key, Summary{rec.position, 1, rec.payload});
          if (!added) {
            it->second.count += 1;
            if (rec.position < it->second.position)
              it->second = {rec.position, it->second.count, rec.payload};
          }
        }
        mine[static_cast<std::size_t>(r)].push_back(Record{7, 5000, 2, 'z'});
        expected[7].count += 2;
      }
      Network net(ranks);
      std::vector<std::string> results(static_cast<std::size_t>(ranks));
      std::vector<std::thread> threads;
      for (int r = 0; r < ranks; ++r)
        threads.emplace_back([&, r] {
          ThreadRank job(net, r);
          results[static_cast<std::size_t>(r)] = loom::dist::exchange_keys(
              job, encode(mine[static_cast<std::size_t>(r)]), layout, budget);
        });
      for (std::thread& t : threads) t.join();
      if (budget == SIZE_MAX)
        CHECK(net.calls == 3);
      else
        CHECK(net.calls >= 1 + 2 * 3);
      for (int r = 0; r < ranks; ++r) {
        const auto& sent = mine[static_cast<std::size_t>(r)];
        const std::vector<Summary> got = decode(results[static_cast<std::size_t>(r)]);
        REQUIRE(got.size() == sent.size());
        for (std::size_t i = 0; i < sent.size(); ++i) {
          const Summary& want = expected.at(sent[i].key);
          CHECK(got[i].position == want.position);
          CHECK(got[i].count == want.count);
          CHECK(got[i].payload == want.payload);
        }
      }
    }
}

TEST_CASE("key exchange: merge ties go to the lower rank; counts saturate") {
  const KeyLayout layout{8, 1};
  const std::vector<std::string> received = {encode({{1, 9, UINT64_MAX - 1, 'a'}}),
                                             encode({{1, 9, 5, 'b'}, {2, 3, 1, 'c'}})};
  const auto replies = loom::dist::merge_at_owner(received, layout);
  REQUIRE(replies.size() == 2);
  const auto first = decode(replies[0]), second = decode(replies[1]);
  REQUIRE(first.size() == 1);
  REQUIRE(second.size() == 2);
  CHECK(first[0].payload == 'a');
  CHECK(first[0].count == UINT64_MAX);
  CHECK(second[0].payload == 'a');
  CHECK(second[1].position == 3);
  CHECK(second[1].count == 1);
  CHECK_THROWS_AS(loom::dist::merge_at_owner({std::string(10, 'x')}, layout), std::runtime_error);
}

TEST_CASE("key exchange: owners spread keys over the ranks and agree across calls") {
  std::set<int> owners;
  std::map<int, int> load;
  for (std::uint64_t k = 0; k < 3000; ++k) {
    const std::string key(reinterpret_cast<const char*>(&k), 8);
    const int owner = loom::dist::owner_of(key, 3);
    CHECK(owner == loom::dist::owner_of(key, 3));
    ++load[owner];
  }
  REQUIRE(load.size() == 3);
  for (const auto& [owner, n] : load) CHECK(n > 800);
}
