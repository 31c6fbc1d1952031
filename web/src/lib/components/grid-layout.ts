// Where tiles go: the number of columns that makes the tiles largest in the space available.

export interface GridLayout {
  cols: number;
  rows: number;
  tileWidth: number;
  tileHeight: number;
}

/**
 * Tiles of shape `aspect` (width / height), as large as they fit; then each grows taller, down to the shape
 * `tallest`, to fill the height its row has (videos fill their tile by cropping, so a little cropping buys
 * tiles without blank bands above and below the grid, as on a phone held upright).
 */
export function bestGrid(count: number, width: number, height: number, gap: number, aspect: number, tallest: number): GridLayout {
  let best: GridLayout = { cols: 1, rows: Math.max(1, count), tileWidth: 0, tileHeight: 0 };
  if (count === 0 || width <= 0 || height <= 0) return best;
  for (let cols = 1; cols <= count; cols++) {
    const rows = Math.ceil(count / cols);
    const widthPerTile = (width - gap * (cols - 1)) / cols;
    const heightPerTile = (height - gap * (rows - 1)) / rows;
    const tileWidth = Math.min(widthPerTile, heightPerTile * aspect);
    if (tileWidth > best.tileWidth) {
      best = { cols, rows, tileWidth: Math.floor(tileWidth), tileHeight: Math.floor(Math.min(heightPerTile, tileWidth / tallest)) };
    }
  }
  return best;
}
