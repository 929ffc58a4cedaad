import type { Board } from './target';

/**
 * Datasheet facts for common TinyML boards.
 *
 * Conventions used in every entry:
 * - Sizes are bytes, written as `n * 1024` (KiB) or `n * 1024 * 1024` (MiB).
 * - `sramBytes` counts data SRAM an application can use; instruction-only TCMs,
 *   caches and retention/backup RAM are left out and mentioned in `notes`.
 * - `contiguousSramBytes` is the largest single address range a tensor arena can
 *   sit in (banks that are adjacent in the memory map count as one range).
 * - Every `notes` string carries a "Power:" tag saying how the power figures were
 *   obtained: "datasheet" (quoted), "derived" (a datasheet current divided by its
 *   clock), "estimate" (order of magnitude, not a quoted figure) or "placeholder"
 *   (no meaningful silicon number exists). Treat estimates as ±30 % or worse.
 */
export const BOARDS: readonly Board[] = [
  {
    id: 'arduino-nano-33-ble-sense',
    name: 'Arduino Nano 33 BLE Sense',
    mcu: 'Nordic nRF52840',
    core: 'cortex-m4f',
    maxClockMHz: 64,
    sramBytes: 256 * 1024,
    contiguousSramBytes: 256 * 1024,
    flashBytes: 1024 * 1024,
    power: {
      volts: 3.0,
      activeMicroAmpsPerMHz: 52,
      sleepMicroAmps: 3.2,
      source: 'derived',
    },
    sources: ['nRF52840 Product Specification (Nordic Semiconductor)', 'Arduino Nano 33 BLE Sense product reference manual (ABX00031)'],
    notes:
      'All 256 KB of RAM is one block at 0x20000000; the Arduino Mbed OS core, its heap and stacks take a share of it, ' +
      'so the arena budget is smaller in practice. Rev2 of the board uses the same MCU. ' +
      'Power: derived — about 3.3 mA for CoreMark from flash at 64 MHz with the DC/DC regulator at 3 V, divided by 64 MHz. ' +
      'Sleep is System ON with full RAM retention and the RTC running (≈3 µA, recalled from the product specification; verify). ' +
      "These are SoC figures: the board's sensors, LEDs and regulator draw considerably more.",
  },
  {
    id: 'rpi-pico',
    name: 'Raspberry Pi Pico',
    mcu: 'Raspberry Pi RP2040',
    core: 'cortex-m0plus',
    maxClockMHz: 133,
    sramBytes: 264 * 1024,
    contiguousSramBytes: 256 * 1024,
    flashBytes: 2 * 1024 * 1024,
    power: {
      volts: 5.0,
      activeMicroAmpsPerMHz: 190,
      sleepMicroAmps: 1300,
      source: 'estimate',
    },
    sources: ['RP2040 Datasheet (Raspberry Pi Ltd)', 'Raspberry Pi Pico Datasheet (Raspberry Pi Ltd)'],
    notes:
      'Dual Cortex-M0+ (no FPU, no DSP extension). SRAM is six banks: four 64 KB banks striped into one 256 KB range, ' +
      'then two 4 KB banks that the Pico SDK uses as per-core stacks, so a 256 KB arena bound is realistic. ' +
      'RP2040 has no internal flash; the Pico carries a 2 MB QSPI NOR chip executed in place through a 16 KB cache. ' +
      'The chip was later rated for 200 MHz in newer datasheet revisions; 133 MHz is the original rating. ' +
      'Power: estimate, board-level from VBUS at 5 V (includes the buck regulator and flash): roughly 24 mA at 125 MHz ' +
      "with both cores busy, of the order given in the Pico datasheet power table; sleep is the Pico datasheet's SLEEP " +
      'state with the RTC running (≈1.3 mA at VBUS), which retains SRAM. Not a core-only figure.',
  },
  {
    id: 'rpi-pico2',
    name: 'Raspberry Pi Pico 2',
    mcu: 'Raspberry Pi RP2350 (RP2350A)',
    core: 'cortex-m33',
    maxClockMHz: 150,
    sramBytes: 520 * 1024,
    contiguousSramBytes: 512 * 1024,
    flashBytes: 4 * 1024 * 1024,
    power: {
      volts: 5.0,
      activeMicroAmpsPerMHz: 135,
      sleepMicroAmps: 1000,
      source: 'estimate',
    },
    sources: ['RP2350 Datasheet (Raspberry Pi Ltd)', 'Raspberry Pi Pico 2 Datasheet (Raspberry Pi Ltd)'],
    notes:
      'Dual Cortex-M33 with FPU and DSP extension (the chip can instead boot two Hazard3 RISC-V cores). ' +
      'SRAM is eight 64 KB banks striped into one 512 KB range plus two 4 KB banks used for core stacks. ' +
      'RP2350A has no internal flash; the Pico 2 carries 4 MB of QSPI flash executed in place. ' +
      'Power: estimate, board-level from VBUS at 5 V: about 20 mA at 150 MHz with both cores busy, and about 1 mA in a ' +
      'timer-wake sleep that keeps SRAM. The chip itself supports far lower retention states; the board regulator dominates.',
  },
  {
    id: 'esp32-s3',
    name: 'Espressif ESP32-S3 (ESP32-S3-DevKitC-1 N8)',
    mcu: 'Espressif ESP32-S3 (ESP32-S3-WROOM-1-N8 module)',
    core: 'xtensa-lx7',
    maxClockMHz: 240,
    sramBytes: 512 * 1024,
    contiguousSramBytes: 416 * 1024,
    flashBytes: 8 * 1024 * 1024,
    power: {
      volts: 3.3,
      activeMicroAmpsPerMHz: 250,
      sleepMicroAmps: 240,
      source: 'estimate',
    },
    accelerator: 'PIE (Processor Instruction Extensions): 128-bit SIMD on the LX7 cores, used by ESP-NN and ESP-DL',
    sources: ['ESP32-S3 Series Datasheet (Espressif)', 'ESP32-S3 Technical Reference Manual (Espressif)', 'ESP32-S3-DevKitC-1 User Guide (Espressif)'],
    notes:
      'Dual-core LX7. The 512 KB internal SRAM is SRAM0 (32 KB), SRAM1 (416 KB) and SRAM2 (64 KB); parts of SRAM0 and ' +
      'SRAM2 are normally given to the instruction and data caches, and IRAM code also lives in SRAM1, so the largest free ' +
      'heap block under ESP-IDF is well below 416 KB. 16 KB of RTC SRAM is not counted. ' +
      'PSRAM variants (for example N8R2 with 2 MB quad PSRAM, N8R8 or N16R8 with 8 MB octal PSRAM) can hold a large arena ' +
      "off-chip at lower bandwidth; that memory is not counted here. Flash is the module's 8 MB SPI flash. " +
      "Power: estimate — the datasheet's Modem-sleep table (CPU running, radio off) spans roughly 33 mA (cores idle) to " +
      'about 90+ mA (both cores on 128-bit loads) at 240 MHz; 250 µA/MHz corresponds to about 60 mA, a single-core ' +
      'inference load. Sleep: datasheet Light-sleep, 240 µA, which keeps SRAM and the RTC (Deep-sleep loses main SRAM).',
  },
  {
    id: 'esp32',
    name: 'Espressif ESP32 (ESP32-DevKitC, WROOM-32E)',
    mcu: 'Espressif ESP32-D0WD-V3 (ESP32-WROOM-32E module)',
    core: 'xtensa-lx6',
    maxClockMHz: 240,
    sramBytes: 320 * 1024,
    contiguousSramBytes: 160 * 1024,
    flashBytes: 4 * 1024 * 1024,
    power: {
      volts: 3.3,
      activeMicroAmpsPerMHz: 283,
      sleepMicroAmps: 800,
      source: 'derived',
    },
    sources: [
      'ESP32 Series Datasheet (Espressif)',
      'ESP32 Technical Reference Manual (Espressif)',
      'ESP-IDF Programming Guide: Memory Types (ESP32)',
      'ESP32-DevKitC V4 Getting Started Guide (Espressif)',
    ],
    notes:
      'The chip has 520 KB SRAM, but 192 KB of it (SRAM0) is instruction RAM that only supports 32-bit access, so about ' +
      '320 KB is data RAM (SRAM1 128 KB + SRAM2 200 KB, adjacent in the map). ESP-IDF documents a 160 KB ceiling on ' +
      'statically allocated DRAM, which is the bound used here for a static arena; with Wi-Fi/BT up, the largest free heap ' +
      'block is often nearer 100 KB. WROVER modules add 4–8 MB of PSRAM (not counted). Flash is the 4 MB of the common ' +
      'WROOM-32E variant (8 and 16 MB parts exist). ' +
      "Power: derived from the datasheet's Modem-sleep range for dual-core 240 MHz (about 30–68 mA); 283 µA/MHz uses the " +
      'upper end (68 mA) for a compute-bound load. Sleep: datasheet Light-sleep, 0.8 mA, which keeps SRAM and the RTC ' +
      '(Deep-sleep is about 10 µA but only RTC memory survives).',
  },
  {
    id: 'stm32f746-disco',
    name: 'STM32F746G-DISCO (32F746GDISCOVERY)',
    mcu: 'STMicroelectronics STM32F746NGH6',
    core: 'cortex-m7',
    maxClockMHz: 216,
    sramBytes: 320 * 1024,
    contiguousSramBytes: 320 * 1024,
    flashBytes: 1024 * 1024,
    power: {
      volts: 3.3,
      activeMicroAmpsPerMHz: 470,
      sleepMicroAmps: 200,
      source: 'estimate',
    },
    sources: [
      'STM32F745xx STM32F746xx datasheet (STMicroelectronics)',
      'RM0385 Reference manual: STM32F75xxx and STM32F74xxx',
      'UM1907 Discovery kit for STM32F7 Series with STM32F746NG MCU (user manual)',
    ],
    notes:
      '320 KB of data RAM — DTCM 64 KB, SRAM1 240 KB and SRAM2 16 KB — sits in one range starting at 0x20000000, so the ' +
      'whole 320 KB is contiguous. 16 KB of ITCM RAM (instruction path) and 4 KB of backup SRAM are not counted. ' +
      'M7 has 4 KB I- and D-caches. The board adds 8 MB of usable SDRAM and 16 MB of QSPI flash (not counted). ' +
      '216 MHz needs the regulator over-drive mode. ' +
      'Power: estimate — about 100 mA typical in Run mode from flash (ART on, peripherals off) at 216 MHz, divided by ' +
      '216 MHz; sleep is Stop mode with the regulator in low-power and flash powered down, a few hundred µA at 25 °C. ' +
      'Both recalled from the datasheet tables and not re-verified.',
  },
  {
    id: 'stm32h743',
    name: 'NUCLEO-H743ZI2 (STM32H743)',
    mcu: 'STMicroelectronics STM32H743ZIT6',
    core: 'cortex-m7',
    maxClockMHz: 480,
    sramBytes: 992 * 1024,
    contiguousSramBytes: 512 * 1024,
    flashBytes: 2 * 1024 * 1024,
    power: {
      volts: 3.3,
      activeMicroAmpsPerMHz: 278,
      sleepMicroAmps: 500,
      source: 'estimate',
    },
    sources: [
      'DS12110 STM32H742xI/G STM32H743xI/G datasheet (STMicroelectronics)',
      'RM0433 Reference manual: STM32H742, STM32H743/753 and STM32H750',
      'STM32H7 Nucleo-144 boards (MB1364) user manual',
    ],
    notes:
      'ST quotes "1 MB of RAM": 64 KB ITCM + 128 KB DTCM + 864 KB user SRAM, in separate banks. The data RAM counted here ' +
      'is DTCM 128 KB + AXI SRAM 512 KB (D1) + SRAM1–3 288 KB (D2, adjacent) + SRAM4 64 KB (D3) = 992 KB; ITCM (code) ' +
      'and 4 KB backup SRAM are excluded. The largest contiguous block is the 512 KB AXI SRAM. DMA cannot reach DTCM, ' +
      'and D2/D3 SRAMs must be clock-enabled before use. 480 MHz needs silicon revision V and VOS0; revision Y stops at 400 MHz. ' +
      'Power: estimate — roughly 280 µA/MHz in Run mode from flash with caches on (LDO supply), recalled rather than ' +
      'quoted; Stop mode with all SRAM retained and the RTC on is in the hundreds of µA at 25 °C. Verify against DS12110.',
  },
  {
    id: 'nucleo-l4r5zi',
    name: 'NUCLEO-L4R5ZI (STM32L4R5ZI)',
    mcu: 'STMicroelectronics STM32L4R5ZIT6',
    core: 'cortex-m4f',
    maxClockMHz: 120,
    sramBytes: 640 * 1024,
    contiguousSramBytes: 640 * 1024,
    flashBytes: 2 * 1024 * 1024,
    power: {
      volts: 3.0,
      activeMicroAmpsPerMHz: 110,
      sleepMicroAmps: 3.1,
      source: 'datasheet',
    },
    sources: [
      'STM32L4R5xx STM32L4R7xx STM32L4R9xx datasheet (STMicroelectronics)',
      'RM0432 Reference manual: STM32L4+ Series',
      'STM32 Nucleo-144 boards (MB1312) user manual',
    ],
    notes:
      'The reference platform of the MLPerf Tiny benchmark. SRAM1 (192 KB), SRAM2 (64 KB) and SRAM3 (384 KB) are mapped ' +
      'back to back from 0x20000000, so all 640 KB is one range. The board variant without "-P" has no SMPS. ' +
      'Power: datasheet headline of about 110 µA/MHz in Run mode with the LDO regulator (quoted on the front page; ' +
      'CoreMark-class loads from flash run somewhat higher). Sleep is Stop 2 with full SRAM retention and the RTC on, ' +
      'a few µA (≈3 µA, approximate).',
  },
  {
    id: 'sparkfun-edge',
    name: 'SparkFun Edge (Apollo3 Blue)',
    mcu: 'Ambiq Micro Apollo3 Blue (AMA3B1KK)',
    core: 'cortex-m4f',
    maxClockMHz: 96,
    sramBytes: 384 * 1024,
    contiguousSramBytes: 384 * 1024,
    flashBytes: 1024 * 1024,
    power: {
      volts: 3.3,
      activeMicroAmpsPerMHz: 6,
      sleepMicroAmps: 1,
      source: 'datasheet',
    },
    sources: ['Apollo3 Blue MCU Datasheet (Ambiq Micro)', 'SparkFun Edge Development Board – Apollo3 Blue (product page)'],
    notes:
      'Runs at 48 MHz normally; 96 MHz is the TurboSPOT burst mode, which is less efficient per MHz than the figure below. ' +
      'The 384 KB SRAM (including 64 KB of TCM at its start) is one address range. ' +
      'Power: datasheet headline, 6 µA/MHz executing from flash or RAM at 3.3 V (sub-threshold design, measured at 48 MHz). ' +
      "Sleep: the datasheet's 1 µA deep-sleep headline; retaining all 384 KB of SRAM with the RTC running costs more, so " +
      'treat 1 µA as a lower bound.',
  },
  {
    id: 'nrf5340-dk',
    name: 'Nordic nRF5340 DK',
    mcu: 'Nordic nRF5340 (application core)',
    core: 'cortex-m33',
    maxClockMHz: 128,
    sramBytes: 512 * 1024,
    contiguousSramBytes: 512 * 1024,
    flashBytes: 1024 * 1024,
    power: {
      volts: 3.0,
      activeMicroAmpsPerMHz: 53,
      sleepMicroAmps: 3,
      source: 'estimate',
    },
    sources: ['nRF5340 Product Specification (Nordic Semiconductor)', 'nRF5340 DK Hardware user guide (Nordic Semiconductor)'],
    notes:
      'Figures are for the application core (Cortex-M33 with FPU and DSP extension, 8 KB cache): 1 MB flash and 512 KB RAM ' +
      'in one range. The network core has its own 256 KB flash and 64 KB RAM, not counted. ' +
      'Power: estimate of about 50–55 µA/MHz running CoreMark from flash with cache and DC/DC at 3 V (128 MHz needs the ' +
      'higher core voltage and is a little less efficient than 64 MHz). Sleep is System ON idle with full RAM retention and ' +
      "the RTC, estimated at a few µA. Check both against the product specification's current-consumption chapter.",
  },
  {
    id: 'ek-ra6m4',
    name: 'Renesas EK-RA6M4',
    mcu: 'Renesas R7FA6M4AF3CFB (RA6M4)',
    core: 'cortex-m33',
    maxClockMHz: 200,
    sramBytes: 256 * 1024,
    contiguousSramBytes: 256 * 1024,
    flashBytes: 1024 * 1024,
    power: {
      volts: 3.3,
      activeMicroAmpsPerMHz: 100,
      sleepMicroAmps: 15,
      source: 'estimate',
    },
    sources: ['RA6M4 Group Datasheet (Renesas)', "RA6M4 Group User's Manual: Hardware (Renesas)", "EK-RA6M4 v1 User's Manual (Renesas)"],
    notes:
      '1 MB code flash plus 8 KB data flash; 256 KB SRAM in one range. The kit adds external QSPI and Octo-SPI flash ' +
      '(not counted). ' +
      'Power: estimate — of the order of 100 µA/MHz running from flash at 200 MHz (3.3 V); sleep is Software Standby ' +
      'with SRAM retained and the RTC on, estimated in the tens of µA or below. Neither value was confirmed against the ' +
      "datasheet's supply-current tables.",
  },
  {
    id: 'portenta-h7',
    name: 'Arduino Portenta H7',
    mcu: 'STMicroelectronics STM32H747XIH6 (Cortex-M7 + Cortex-M4)',
    core: 'cortex-m7',
    maxClockMHz: 480,
    sramBytes: 992 * 1024,
    contiguousSramBytes: 512 * 1024,
    flashBytes: 2 * 1024 * 1024,
    power: {
      volts: 3.3,
      activeMicroAmpsPerMHz: 278,
      sleepMicroAmps: 500,
      source: 'estimate',
    },
    sources: [
      'STM32H747xI/G datasheet (STMicroelectronics)',
      'RM0399 Reference manual: STM32H745/755 and STM32H747/757',
      'Arduino Portenta H7 product reference manual (ABX00042)',
    ],
    notes:
      'Dual-core: Cortex-M7 at 480 MHz plus Cortex-M4 at 240 MHz; figures are for the M7. RAM layout matches the H743 ' +
      '(DTCM 128 KB + AXI SRAM 512 KB + SRAM1–3 288 KB + SRAM4 64 KB = 992 KB data RAM, plus 64 KB ITCM); the largest ' +
      'contiguous block is the 512 KB AXI SRAM. Flash is 2 MB split into two 1 MB banks, one per core by default under ' +
      'the Arduino core. The board adds 8 MB SDRAM and 16 MB QSPI flash (not counted; an arena in SDRAM is possible but slow). ' +
      'Power: estimate carried over from the STM32H743 entry (same process and core); board-level draw is much higher ' +
      '(PMIC, Wi-Fi/BT module, SDRAM).',
  },
  {
    id: 'corstone-300',
    name: 'Arm Corstone-300 (MPS3 AN547 FPGA / Corstone-300 FVP)',
    mcu: 'Arm Corstone SSE-300: Cortex-M55 + Ethos-U55',
    core: 'cortex-m55',
    maxClockMHz: 32,
    sramBytes: 4608 * 1024,
    contiguousSramBytes: 4 * 1024 * 1024,
    flashBytes: 8 * 1024 * 1024,
    power: {
      volts: 3.3,
      activeMicroAmpsPerMHz: 100,
      sleepMicroAmps: 100,
      source: 'placeholder',
    },
    accelerator: 'Arm Ethos-U55 NPU (MAC count set by the FPGA image / FVP option, 32–256) + Helium (M-profile Vector Extension)',
    sources: [
      'Arm Corstone SSE-300 with Cortex-M55 and Ethos-U55 Example Subsystem for MPS3, Application Note AN547',
      'Arm Corstone SSE-300 Example Subsystem Technical Reference Manual',
      'Arm MPS3 FPGA Prototyping Board Technical Reference Manual',
      'Arm Ethos-U55 NPU Technical Reference Manual',
    ],
    notes:
      'A prototyping platform, not a production MCU. AN547 memory: ITCM 512 KB (often used as the code "flash"), ' +
      'code SRAM 2 MB, DTCM 512 KB and internal SRAM (ISRAM) 4 MB in one range; counted here is DTCM + ISRAM = 4.5 MB. ' +
      'Ethos-U55 cannot reach the TCMs, so an NPU tensor arena has to sit in the 4 MB ISRAM (or DDR). The MPS3 board also ' +
      'has 8 MB QSPI flash (used as flashBytes) and 4 GB DDR4, which the Arm ML evaluation kit uses for model weights. ' +
      'The FPGA image clocks the subsystem at 32 MHz; the FVP has no real timing, and silicon Cortex-M55 parts run far faster. ' +
      'Power: placeholder — an FPGA or simulator has no meaningful µA/MHz or sleep current; do not use these values ' +
      'for energy estimates.',
  },
  {
    id: 'stm32n6',
    name: 'STM32N6 (STM32N6570-DK / NUCLEO-N657X0-Q)',
    mcu: 'STMicroelectronics STM32N657X0H3Q',
    core: 'cortex-m55',
    maxClockMHz: 800,
    sramBytes: 4224 * 1024,
    contiguousSramBytes: 4224 * 1024,
    flashBytes: 128 * 1024 * 1024,
    power: {
      volts: 3.3,
      activeMicroAmpsPerMHz: 200,
      sleepMicroAmps: 500,
      source: 'placeholder',
    },
    accelerator: 'ST Neural-ART NPU (up to 1 GHz, about 600 GOPS INT8) + Helium (M-profile Vector Extension)',
    sources: [
      'STM32N647xx STM32N657xx datasheet (STMicroelectronics)',
      'RM0486 Reference manual: STM32N6x5/STM32N6x7',
      'STM32N6570-DK Discovery kit user manual',
    ],
    notes:
      'No internal flash: code and weights live in external serial NOR. flashBytes is the 128 MB (1 Gbit) Octo-SPI NOR on ' +
      'the STM32N6570-DK, memory-mapped at 0x70000000; other boards differ, so treat it as a board figure. ' +
      'RAM from 0x34000000 to 0x34420000 is one range of 4.2 MiB: FlexRAM 400 KB + AXISRAM1 624 KB, AXISRAM2 1 MB, ' +
      'AXISRAM3–6 (the NPU RAMs, 448 KB each, powered up through RAMCFG), the 256 KB NPU cache RAM and 128 KB VENCRAM. ' +
      'In practice FlexRAM may be given to the TCMs, the boot ROM loads the first-stage bootloader into AXISRAM2, and ' +
      'ST Edge AI places activations in the NPU RAMs, so the usable arena is smaller than the full range. 800 MHz is the ' +
      'overdrive rating (600 MHz nominal). ' +
      'Power: placeholder — no datasheet figure was checked; 200 µA/MHz (≈160 mA at 800 MHz) and 500 µA Stop-mode ' +
      "retention are rough guesses for a part with this much SRAM. The NPU's own energy per inference is not modelled.",
  },
  {
    id: 'arduino-nano-33-iot',
    name: 'Arduino Nano 33 IoT',
    mcu: 'Microchip ATSAMD21G18A',
    core: 'cortex-m0plus',
    maxClockMHz: 48,
    sramBytes: 32 * 1024,
    contiguousSramBytes: 32 * 1024,
    flashBytes: 256 * 1024,
    power: {
      volts: 3.3,
      activeMicroAmpsPerMHz: 96,
      sleepMicroAmps: 4,
      source: 'derived',
    },
    sources: ['SAM D21/DA1 Family Data Sheet (Microchip)', 'Arduino Nano 33 IoT product reference manual (ABX00027)'],
    notes:
      'Cortex-M0+ without FPU or DSP extension; 32 KB SRAM in one range and 256 KB flash, part of which holds the ' +
      "bootloader. The board's u-blox NINA-W102 Wi-Fi/BT module is a separate ESP32 and draws far more than the SAMD21. " +
      "Power: derived — the data sheet's ACTIVE current running a Fibonacci loop from flash at 48 MHz (DFLL48M), 3.3 V, " +
      'is about 4.6 mA (a while(1) loop is about 3.4 mA); 4.6 / 48. Sleep is STANDBY with the 32 kHz crystal and RTC on, ' +
      'a few µA (≈4 µA, approximate).',
  },
  {
    id: 'blackpill-f411',
    name: 'WeAct Black Pill (STM32F411CEU6)',
    mcu: 'STMicroelectronics STM32F411CEU6',
    core: 'cortex-m4f',
    maxClockMHz: 100,
    sramBytes: 128 * 1024,
    contiguousSramBytes: 128 * 1024,
    flashBytes: 512 * 1024,
    power: {
      volts: 3.3,
      activeMicroAmpsPerMHz: 100,
      sleepMicroAmps: 10,
      source: 'datasheet',
    },
    sources: ['STM32F411xC STM32F411xE datasheet (STMicroelectronics)', 'RM0383 Reference manual: STM32F411xC/E'],
    notes:
      'A low-cost community board; 128 KB SRAM in one block and 512 KB flash. ' +
      "Power: datasheet headline, about 100 µA/MHz dynamic consumption in Run mode with peripherals off (the board's " +
      'LED and regulator add to it). Sleep: Stop mode with flash in deep power-down is quoted "down to 9 µA" at 25 °C; ' +
      'about 1 µA more for the RTC on the LSE gives the 10 µA used here (approximate).',
  },
  {
    id: 'ek-ra8m1',
    name: 'Renesas EK-RA8M1',
    mcu: 'Renesas R7FA8M1AHECBD (RA8M1)',
    core: 'cortex-m85',
    maxClockMHz: 480,
    sramBytes: 960 * 1024,
    contiguousSramBytes: 896 * 1024,
    flashBytes: 2 * 1024 * 1024,
    power: {
      volts: 3.3,
      activeMicroAmpsPerMHz: 200,
      sleepMicroAmps: 50,
      source: 'estimate',
    },
    accelerator: 'Helium (M-profile Vector Extension) on the Cortex-M85',
    sources: ['RA8M1 Group Datasheet (Renesas)', "RA8M1 Group User's Manual: Hardware (Renesas)", "EK-RA8M1 User's Manual (Renesas)"],
    notes:
      'RA8M1 has 1 MB of SRAM in total: 896 KB of user SRAM in one range plus 128 KB of TCM (64 KB ITCM for code, ' +
      '64 KB DTCM); counted here is user SRAM + DTCM. 2 MB code flash plus 12 KB data flash. The kit adds a 64 MB ' +
      'Octo-SPI flash (not counted). ' +
      'Power: estimate — of the order of 200 µA/MHz at 480 MHz running from flash (3.3 V), and tens of µA in Software ' +
      "Standby with SRAM retained and the RTC on. Not confirmed against the datasheet's supply-current tables.",
  },
  {
    id: 'esp32-c3',
    name: 'Espressif ESP32-C3 (ESP32-C3-DevKitM-1)',
    mcu: 'Espressif ESP32-C3 (ESP32-C3-MINI-1 module, 4 MB flash)',
    core: 'rv32imc',
    maxClockMHz: 160,
    sramBytes: 384 * 1024,
    contiguousSramBytes: 384 * 1024,
    flashBytes: 4 * 1024 * 1024,
    power: {
      volts: 3.3,
      activeMicroAmpsPerMHz: 144,
      sleepMicroAmps: 130,
      source: 'estimate',
    },
    sources: ['ESP32-C3 Series Datasheet (Espressif)', 'ESP32-C3 Technical Reference Manual (Espressif)', 'ESP32-C3-DevKitM-1 User Guide (Espressif)'],
    notes:
      'Single-core 32-bit RISC-V (RV32IMC, no FPU, no SIMD). 400 KB SRAM of which 16 KB is fixed as cache, leaving a ' +
      '384 KB block shared by IRAM code and data; ESP-IDF and Wi-Fi/BLE take a large share, so the free heap is well ' +
      "below 384 KB. 8 KB RTC SRAM not counted. Flash is the module's 4 MB. " +
      'Power: estimate — about 23 mA in Modem-sleep (CPU running, radio off) at 160 MHz, of the order of the datasheet ' +
      'table, divided by 160. Sleep: datasheet Light-sleep, 130 µA, which keeps SRAM and the RTC.',
  },
  {
    id: 'max78000',
    name: 'Analog Devices MAX78000FTHR',
    mcu: 'Analog Devices (Maxim) MAX78000',
    core: 'cortex-m4f',
    maxClockMHz: 100,
    sramBytes: 128 * 1024,
    contiguousSramBytes: 128 * 1024,
    flashBytes: 512 * 1024,
    power: {
      volts: 3.0,
      activeMicroAmpsPerMHz: 22.2,
      sleepMicroAmps: 3,
      source: 'datasheet',
    },
    accelerator: 'Hardware CNN accelerator: 64 parallel processors, 442 KB weight memory, 512 KB data memory (separate from the MCU SRAM)',
    sources: [
      'MAX78000 Data Sheet (Analog Devices / Maxim Integrated)',
      'MAX78000 User Guide (Analog Devices)',
      'MAX78000FTHR Evaluation Kit data sheet (Analog Devices)',
    ],
    notes:
      'Cortex-M4F at 100 MHz with a 60 MHz RISC-V coprocessor; 512 KB flash and 128 KB SRAM for the MCU. Models built ' +
      'with the ai8x tools run on the CNN accelerator, whose weights (up to 442 KB, 8-bit) and activations (512 KB) live ' +
      "in the accelerator's own memories, so the MCU SRAM/flash figures here are the wrong budget for those models. " +
      'Power: datasheet headline, 22.2 µA/MHz for a while-loop from cache at 3.0 V (Cortex-M4 only) — real code is higher. ' +
      'Sleep: estimate of a few µA for a low-power mode retaining SRAM with the RTC on; check the data sheet table.',
  },
];
