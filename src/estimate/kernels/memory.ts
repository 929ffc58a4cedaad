/**
 * Flash wait states at a clock: constant data (weights) is read from on-chip flash (or XIP flash
 * through a cache), which answers slower than the core at high clocks. A weight read waits up to
 * the wait states; caches and prefetch buffers hide part of it, and that hidden share is one
 * calibrated constant (calibration.ts), not a per-board guess.
 *
 * Where a board's reference manual gives the wait states at its top clock we use them; elsewhere
 * a generic embedded-flash access time (35 ns, between the 30–50 ns that STM32 parts imply) gives
 * ceil(clock × 35 ns) − 1. Activations live in SRAM, taken as zero-wait.
 */

/** Embedded flash access time assumed where the board's wait states are not tabulated (ns). */
export const GENERIC_FLASH_NS = 35;

interface FlashFacts {
  readonly waitStates: number;
  readonly atMHz: number;
  readonly source: string;
}

const BOARD_FLASH: Readonly<Record<string, FlashFacts>> = {
  'nucleo-l4r5zi': { waitStates: 5, atMHz: 120, source: 'STM32L4+ reference manual RM0432, flash latency table (range 1 boost, 120 MHz: 5 WS)' },
  'stm32f746-disco': { waitStates: 7, atMHz: 216, source: 'STM32F7 reference manual RM0385, flash latency table (2.7–3.6 V, 216 MHz: 7 WS)' },
  'blackpill-f411': { waitStates: 3, atMHz: 100, source: 'STM32F411 reference manual RM0383, flash latency table (2.7–3.6 V, 100 MHz: 3 WS)' },
};

/** Wait states of one flash read at `clockMHz` (the board's table when we have it and the clock matches). */
export function flashWaitStates(clockMHz: number, boardId?: string): number {
  const b = boardId ? BOARD_FLASH[boardId] : undefined;
  if (b && Math.abs(b.atMHz - clockMHz) < 1e-9) return b.waitStates;
  // Scale a tabulated board's access time to another clock; else the generic access time.
  const ns = b ? ((b.waitStates + 1) * 1000) / b.atMHz : GENERIC_FLASH_NS;
  return Math.max(0, Math.ceil((clockMHz * ns) / 1000 - 1e-9) - 1);
}

export function flashSource(boardId?: string): string {
  const b = boardId ? BOARD_FLASH[boardId] : undefined;
  return b ? b.source : `generic embedded flash, ${GENERIC_FLASH_NS} ns access time (assumption)`;
}
