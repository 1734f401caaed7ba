// The one split of POP909 that every consumer shares, so that nothing evaluated on "held-out POP909"
// was ever seen in training: songs whose number ends in 0 are the test set (90 songs), songs ending
// in 5 the validation set (91), the rest train (728). By number, not at random: stable and legible.

export type Pop909Split = 'train' | 'val' | 'test';

/** The split of a POP909 song by its folder name ('001' … '909'). */
export function pop909Split(songId: string): Pop909Split {
  const lastDigit = Number.parseInt(songId, 10) % 10;
  return lastDigit === 0 ? 'test' : lastDigit === 5 ? 'val' : 'train';
}
