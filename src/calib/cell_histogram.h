// Histograms on a canonical grid: cell c covers [c * 2^e, (c + 1) * 2^e),
// and a histogram keeps `bins` consecutive cells starting at first_cell.
// Because cell edges are multiples of a power of two, every cell of width
// 2^e lies inside exactly one cell of width 2^(e+d): widening the grid only
// sums counts, and two histograms on different grids can be added exactly.
// With the grid chosen as a function of the data's extremes (SignedGrid,
// AbsGrid), a histogram depends only on the multiset of values it has
// seen, however they were batched or merged.
#ifndef AXQ_CALIB_CELL_HISTOGRAM_H_
#define AXQ_CALIB_CELL_HISTOGRAM_H_

#include <cstddef>
#include <cstdint>
#include <vector>

namespace axq {

struct CellGrid {
  int exponent = 0;        // cell width 2^exponent
  int64_t first_cell = 0;  // index of the histogram's first cell
  bool operator==(const CellGrid& o) const { return exponent == o.exponent && first_cell == o.first_cell; }
};

// The grid for values in [min, max] (finite, min <= max): the smallest
// exponent, not below 40 binary orders under max(|min|, |max|), for which
// floor(max / 2^e) - floor(min / 2^e) < bins; first_cell = floor(min / 2^e).
CellGrid SignedGrid(double min, double max, uint32_t bins);
// The grid for |x| in [0, amax]: the smallest such exponent with
// floor(amax / 2^e) < bins; first_cell = 0.
CellGrid AbsGrid(double amax, uint32_t bins);

class CellHistogram {
 public:
  explicit CellHistogram(uint32_t bins) : counts_(bins, 0), scratch_(bins, 0) {}

  bool has_grid() const { return has_grid_; }
  const CellGrid& grid() const { return grid_; }
  double cell_width() const;
  uint32_t bins() const { return static_cast<uint32_t>(counts_.size()); }
  const std::vector<uint64_t>& counts() const { return counts_; }

  // Moves to `grid`, which must be as coarse as the current one or
  // coarser and cover every non-empty cell (true for the grid of a wider
  // range). The first call just sets the grid. Allocates nothing, so an
  // observer never stops half-way through an update.
  void Regrid(const CellGrid& grid);
  // Adds the counts of `other`, whose grid must be at most as coarse as
  // this one and whose non-empty cells this grid must cover.
  void AddCounts(const CellHistogram& other);
  // Adds 1 to counts[cells[i]] for each i; every index must be < bins.
  void CountCells(const int32_t* cells, size_t n);

 private:
  void AddShifted(const std::vector<uint64_t>& counts, const CellGrid& from);

  CellGrid grid_;
  bool has_grid_ = false;
  std::vector<uint64_t> counts_;
  std::vector<uint64_t> scratch_;  // the old counts during Regrid
};

// Counts each x[i] (finite) in its cell floor(x / 2^e) of `values` and
// floor(|x| / 2^e') of `magnitudes`, whose grids must cover every value.
void AddToHistograms(const float* x, size_t n, CellHistogram* values, CellHistogram* magnitudes);

}  // namespace axq

#endif  // AXQ_CALIB_CELL_HISTOGRAM_H_
