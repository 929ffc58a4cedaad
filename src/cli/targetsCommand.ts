/** `tinyml-lens targets`: the boards we know, with their SRAM and flash. */
import { BOARDS } from '../targets/boards';
import { formatBytes } from '../targets/fit';
import { EXIT_OK, type Command } from './command';

export const targetsCommand: Command = (args, io) => {
  if (args.flags.has('json')) {
    io.out(JSON.stringify(BOARDS, null, 2));
    return EXIT_OK;
  }
  for (const b of BOARDS)
    io.out(`${b.id.padEnd(28)} ${b.name} (${b.mcu}, ${b.core} ${b.maxClockMHz} MHz): ${formatBytes(b.sramBytes)} SRAM, ${formatBytes(b.flashBytes)} flash`);
  return EXIT_OK;
};
