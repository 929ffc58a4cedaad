;; WebAssembly SIMD kernels of the int8 runtime: the multiply-accumulate loops of CONV_2D and
;; FULLY_CONNECTED (conv) and DEPTHWISE_CONV_2D (dw), the widening of int8 activations into
;; zero-padded int16 images (pad), per-channel requantization (requant), and int8 ADD / SUB
;; (add8). Each reproduces the JavaScript kernel it replaces bit for bit, in every rounding mode
;; (tflm, tflite, xnnpack); test/core/runtimeWasm.test.ts checks that.
;;
;; The sums are integer and exact: activations are widened to int16 with the input offset
;; (−zero point) added, so that padding is 0 and a product (x + offset) · w needs no
;; correction; products are at most 255 · 255, pairs of them (i32x4.dot_i16x8_s) fit easily, and
;; the int32 sums wrap exactly as TFLM's int32 accumulators (and the JS's `| 0`) do.
;; Requantization takes requantizeChannels' float64 form where it is exact (a per-channel bound
;; on |acc|, computed by planRequant in kernels/conv/wasmConv.ts), an exact int64 / float64
;; vector form ($exact4) beyond it, and scalar int64 for the rest; float64 is only ever used on
;; values it represents exactly, and every rounding is either a floor of an exact value or a
;; round-to-nearest that provably has no ties.
;;
;; Buffers are laid out by the TypeScript glue (kernels/conv/wasmConv.ts,
;; kernels/elementwise/add.ts); every buffer is followed by at least 64 bytes of slack, since
;; vector loops read a little past their data and write whole vectors (whose extra lanes are
;; overwritten or unused).
;;
;; After editing, regenerate kernelsWasm.ts (the bytes, base64) with `npm run build-wasm`
;; (scripts/build-wasm.mjs, wabt) and commit both files.
(module
  (import "env" "memory" (memory 0))

;; pad: one int8 image [rows][n] at $src (n = width · channels) into the int16 image at $dst
  ;; whose rows are $left bytes of zeros, the n values + $off (each repeated $rep times: a
  ;; depthwise multiplier), and $right bytes of zeros, with $top zero rows before and $bottom
  ;; after.
  (func (export "pad")
    (param $src i32) (param $rows i32) (param $n i32) (param $dst i32)
    (param $top i32) (param $bottom i32) (param $left i32) (param $right i32) (param $off i32) (param $rep i32)
    (local $pitch i32) (local $y i32) (local $i i32) (local $end i32) (local $s i32) (local $d i32)
    (local $k i32) (local $val i32)
    (local $vo v128)
    (local.set $vo (i16x8.splat (local.get $off)))
    (local.set $pitch (i32.add (i32.add (local.get $left) (local.get $right)) (i32.shl (i32.mul (local.get $n) (local.get $rep)) (i32.const 1))))
    (memory.fill (local.get $dst) (i32.const 0) (i32.mul (local.get $top) (local.get $pitch)))
    (local.set $dst (i32.add (local.get $dst) (i32.mul (local.get $top) (local.get $pitch))))
    (memory.fill (i32.add (local.get $dst) (i32.mul (local.get $rows) (local.get $pitch))) (i32.const 0) (i32.mul (local.get $bottom) (local.get $pitch)))
    ;; Rows without side padding are one contiguous run.
    (if (i32.and (i32.eqz (i32.or (local.get $left) (local.get $right))) (i32.gt_s (local.get $rows) (i32.const 1)))
      (then
        (local.set $n (i32.mul (local.get $n) (local.get $rows)))
        (local.set $rows (i32.const 1))))
    (local.set $y (i32.const 0))
    (block $rows_done
      (loop $row
        (br_if $rows_done (i32.ge_u (local.get $y) (local.get $rows)))
        (memory.fill (local.get $dst) (i32.const 0) (local.get $left))
        (local.set $s (local.get $src))
        (local.set $d (i32.add (local.get $dst) (local.get $left)))
        (local.set $i (i32.const 0))
        ;; Whole vectors of 8 when nothing repeats.
        (local.set $end (select (i32.sub (local.get $n) (i32.const 7)) (i32.const 0) (i32.eq (local.get $rep) (i32.const 1))))
        (block $vec_done
          (loop $vec
            (br_if $vec_done (i32.ge_s (local.get $i) (local.get $end)))
            (v128.store (local.get $d) (i16x8.add (v128.load8x8_s (local.get $s)) (local.get $vo)))
            (local.set $s (i32.add (local.get $s) (i32.const 8)))
            (local.set $d (i32.add (local.get $d) (i32.const 16)))
            (local.set $i (i32.add (local.get $i) (i32.const 8)))
            (br $vec)))
        (block $tail_done
          (loop $tail
            (br_if $tail_done (i32.ge_s (local.get $i) (local.get $n)))
            (local.set $val (i32.add (i32.load8_s (local.get $s)) (local.get $off)))
            (local.set $k (local.get $rep))
            (loop $copies
              (i32.store16 (local.get $d) (local.get $val))
              (local.set $d (i32.add (local.get $d) (i32.const 2)))
              (local.set $k (i32.sub (local.get $k) (i32.const 1)))
              (br_if $copies (local.get $k)))
            (local.set $s (i32.add (local.get $s) (i32.const 1)))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $tail)))
        (memory.fill (local.get $d) (i32.const 0) (local.get $right))
        (local.set $src (i32.add (local.get $src) (local.get $n)))
        (local.set $dst (i32.add (local.get $dst) (local.get $pitch)))
        (local.set $y (i32.add (local.get $y) (i32.const 1)))
        (br $row))))

  ;; conv: int32 dot products of output pixels with blocks of 8 output channels.
  ;; $pix[p] is the byte offset in the int16 image $x of pixel p's first tap; every pixel reads
  ;; $nseg segments at byte offsets $seg[s] from there (plus its block's group offset), each
  ;; 4·$quads values long. $w holds, per block, per segment, per quad, two pairs of values for
  ;; 8 channels: [pair][channel][2] int16, 64 bytes. $blk[2b] is block b's group offset in the
  ;; image and $blk[2b + 1] the byte offset of its first channel in an accumulator row and in
  ;; the int32 $bias; row p of the accumulators is at $acc + p · $pitch. Four pixels at a time (the last group repeats
  ;; the last pixel); per pixel and block, 8 int32 sums.
  (func (export "conv")
    (param $x i32) (param $pix i32) (param $P i32)
    (param $seg i32) (param $nseg i32) (param $quads i32)
    (param $w i32) (param $blk i32) (param $nblk i32) (param $bias i32)
    (param $acc i32) (param $pitch i32)
    (local $p i32) (local $last i32) (local $t i32)
    (local $x0 i32) (local $x1 i32) (local $x2 i32) (local $x3 i32)
    (local $r0 i32) (local $r1 i32) (local $r2 i32) (local $r3 i32)
    (local $b i32) (local $wp i32) (local $bx i32) (local $s i32) (local $so i32) (local $q i32)
    (local $a0 i32) (local $a1 i32) (local $a2 i32) (local $a3 i32)
    (local $c00 v128) (local $c01 v128) (local $c10 v128) (local $c11 v128)
    (local $c20 v128) (local $c21 v128) (local $c30 v128) (local $c31 v128)
    (local $wa v128) (local $wb v128) (local $v v128)
    (if (i32.le_s (local.get $P) (i32.const 0)) (then (return)))
    (local.set $last (i32.sub (local.get $P) (i32.const 1)))
    (local.set $p (i32.const 0))
    (block $tail
    (loop $pixels
      ;; Fewer than 4 pixels left (a FULLY_CONNECTED of batch 1 has 1): one at a time below.
      (br_if $tail (i32.lt_s (i32.sub (local.get $P) (local.get $p)) (i32.const 4)))
      ;; Pixels p .. p + 3, clamped to the last one.
      (local.set $x0 (i32.add (local.get $x) (i32.load (i32.add (local.get $pix) (i32.shl (local.get $p) (i32.const 2))))))
      (local.set $r0 (i32.add (local.get $acc) (i32.mul (local.get $p) (local.get $pitch))))
      (local.set $t (select (i32.add (local.get $p) (i32.const 1)) (local.get $last) (i32.lt_s (i32.add (local.get $p) (i32.const 1)) (local.get $last))))
      (local.set $x1 (i32.add (local.get $x) (i32.load (i32.add (local.get $pix) (i32.shl (local.get $t) (i32.const 2))))))
      (local.set $r1 (i32.add (local.get $acc) (i32.mul (local.get $t) (local.get $pitch))))
      (local.set $t (select (i32.add (local.get $p) (i32.const 2)) (local.get $last) (i32.lt_s (i32.add (local.get $p) (i32.const 2)) (local.get $last))))
      (local.set $x2 (i32.add (local.get $x) (i32.load (i32.add (local.get $pix) (i32.shl (local.get $t) (i32.const 2))))))
      (local.set $r2 (i32.add (local.get $acc) (i32.mul (local.get $t) (local.get $pitch))))
      (local.set $t (select (i32.add (local.get $p) (i32.const 3)) (local.get $last) (i32.lt_s (i32.add (local.get $p) (i32.const 3)) (local.get $last))))
      (local.set $x3 (i32.add (local.get $x) (i32.load (i32.add (local.get $pix) (i32.shl (local.get $t) (i32.const 2))))))
      (local.set $r3 (i32.add (local.get $acc) (i32.mul (local.get $t) (local.get $pitch))))
      (local.set $wp (local.get $w))
      (local.set $b (i32.const 0))
      (loop $blocks
        (local.set $bx (i32.load (i32.add (local.get $blk) (i32.shl (local.get $b) (i32.const 3)))))
        ;; The sums start from the block's bias.
        (local.set $t (i32.add (local.get $bias) (i32.load offset=4 (i32.add (local.get $blk) (i32.shl (local.get $b) (i32.const 3))))))
        (local.set $c00 (v128.load (local.get $t))) (local.set $c01 (v128.load offset=16 (local.get $t)))
        (local.set $c10 (local.get $c00)) (local.set $c11 (local.get $c01))
        (local.set $c20 (local.get $c00)) (local.set $c21 (local.get $c01))
        (local.set $c30 (local.get $c00)) (local.set $c31 (local.get $c01))
        (local.set $s (i32.const 0))
        (loop $segments
          (local.set $so (i32.add (local.get $bx) (i32.load (i32.add (local.get $seg) (i32.shl (local.get $s) (i32.const 2))))))
          (local.set $a0 (i32.add (local.get $x0) (local.get $so)))
          (local.set $a1 (i32.add (local.get $x1) (local.get $so)))
          (local.set $a2 (i32.add (local.get $x2) (local.get $so)))
          (local.set $a3 (i32.add (local.get $x3) (local.get $so)))
          (local.set $q (local.get $quads))
          (loop $k
            (local.set $wa (v128.load (local.get $wp)))
            (local.set $wb (v128.load offset=16 (local.get $wp)))
            (local.set $v (v128.load32_splat (local.get $a0)))
            (local.set $c00 (i32x4.add (local.get $c00) (i32x4.dot_i16x8_s (local.get $v) (local.get $wa))))
            (local.set $c01 (i32x4.add (local.get $c01) (i32x4.dot_i16x8_s (local.get $v) (local.get $wb))))
            (local.set $v (v128.load32_splat (local.get $a1)))
            (local.set $c10 (i32x4.add (local.get $c10) (i32x4.dot_i16x8_s (local.get $v) (local.get $wa))))
            (local.set $c11 (i32x4.add (local.get $c11) (i32x4.dot_i16x8_s (local.get $v) (local.get $wb))))
            (local.set $v (v128.load32_splat (local.get $a2)))
            (local.set $c20 (i32x4.add (local.get $c20) (i32x4.dot_i16x8_s (local.get $v) (local.get $wa))))
            (local.set $c21 (i32x4.add (local.get $c21) (i32x4.dot_i16x8_s (local.get $v) (local.get $wb))))
            (local.set $v (v128.load32_splat (local.get $a3)))
            (local.set $c30 (i32x4.add (local.get $c30) (i32x4.dot_i16x8_s (local.get $v) (local.get $wa))))
            (local.set $c31 (i32x4.add (local.get $c31) (i32x4.dot_i16x8_s (local.get $v) (local.get $wb))))
            (local.set $wa (v128.load offset=32 (local.get $wp)))
            (local.set $wb (v128.load offset=48 (local.get $wp)))
            (local.set $v (v128.load32_splat offset=4 (local.get $a0)))
            (local.set $c00 (i32x4.add (local.get $c00) (i32x4.dot_i16x8_s (local.get $v) (local.get $wa))))
            (local.set $c01 (i32x4.add (local.get $c01) (i32x4.dot_i16x8_s (local.get $v) (local.get $wb))))
            (local.set $v (v128.load32_splat offset=4 (local.get $a1)))
            (local.set $c10 (i32x4.add (local.get $c10) (i32x4.dot_i16x8_s (local.get $v) (local.get $wa))))
            (local.set $c11 (i32x4.add (local.get $c11) (i32x4.dot_i16x8_s (local.get $v) (local.get $wb))))
            (local.set $v (v128.load32_splat offset=4 (local.get $a2)))
            (local.set $c20 (i32x4.add (local.get $c20) (i32x4.dot_i16x8_s (local.get $v) (local.get $wa))))
            (local.set $c21 (i32x4.add (local.get $c21) (i32x4.dot_i16x8_s (local.get $v) (local.get $wb))))
            (local.set $v (v128.load32_splat offset=4 (local.get $a3)))
            (local.set $c30 (i32x4.add (local.get $c30) (i32x4.dot_i16x8_s (local.get $v) (local.get $wa))))
            (local.set $c31 (i32x4.add (local.get $c31) (i32x4.dot_i16x8_s (local.get $v) (local.get $wb))))
            (local.set $a0 (i32.add (local.get $a0) (i32.const 8)))
            (local.set $a1 (i32.add (local.get $a1) (i32.const 8)))
            (local.set $a2 (i32.add (local.get $a2) (i32.const 8)))
            (local.set $a3 (i32.add (local.get $a3) (i32.const 8)))
            (local.set $wp (i32.add (local.get $wp) (i32.const 64)))
            (local.set $q (i32.sub (local.get $q) (i32.const 1)))
            (br_if $k (local.get $q)))
          (local.set $s (i32.add (local.get $s) (i32.const 1)))
          (br_if $segments (i32.lt_s (local.get $s) (local.get $nseg))))
        (local.set $t (i32.load offset=4 (i32.add (local.get $blk) (i32.shl (local.get $b) (i32.const 3)))))
        (v128.store (i32.add (local.get $r0) (local.get $t)) (local.get $c00))
        (v128.store offset=16 (i32.add (local.get $r0) (local.get $t)) (local.get $c01))
        (v128.store (i32.add (local.get $r1) (local.get $t)) (local.get $c10))
        (v128.store offset=16 (i32.add (local.get $r1) (local.get $t)) (local.get $c11))
        (v128.store (i32.add (local.get $r2) (local.get $t)) (local.get $c20))
        (v128.store offset=16 (i32.add (local.get $r2) (local.get $t)) (local.get $c21))
        (v128.store (i32.add (local.get $r3) (local.get $t)) (local.get $c30))
        (v128.store offset=16 (i32.add (local.get $r3) (local.get $t)) (local.get $c31))
        (local.set $b (i32.add (local.get $b) (i32.const 1)))
        (br_if $blocks (i32.lt_s (local.get $b) (local.get $nblk))))
      (local.set $p (i32.add (local.get $p) (i32.const 4)))
      (br_if $pixels (i32.lt_s (local.get $p) (local.get $P)))))
    (block $done
      (loop $rest
        (br_if $done (i32.ge_s (local.get $p) (local.get $P)))
        (call $conv1
          (i32.add (local.get $x) (i32.load (i32.add (local.get $pix) (i32.shl (local.get $p) (i32.const 2)))))
          (i32.add (local.get $acc) (i32.mul (local.get $p) (local.get $pitch)))
          (local.get $seg) (local.get $nseg) (local.get $quads) (local.get $w) (local.get $blk) (local.get $nblk) (local.get $bias))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (br $rest))))

  ;; conv for one pixel (image at $x0, sums to $r0): the pairs of each quad go to separate
  ;; sums, added at the end (int32 sums wrap, so the order changes nothing).
  (func $conv1
    (param $x0 i32) (param $r0 i32) (param $seg i32) (param $nseg i32) (param $quads i32)
    (param $w i32) (param $blk i32) (param $nblk i32) (param $bias i32)
    (local $b i32) (local $wp i32) (local $bx i32) (local $t i32) (local $s i32) (local $a0 i32) (local $q i32)
    (local $c00 v128) (local $c01 v128) (local $c10 v128) (local $c11 v128) (local $v v128)
    (local.set $wp (local.get $w))
    (local.set $b (i32.const 0))
    (loop $blocks
      (local.set $bx (i32.load (i32.add (local.get $blk) (i32.shl (local.get $b) (i32.const 3)))))
      (local.set $t (i32.add (local.get $bias) (i32.load offset=4 (i32.add (local.get $blk) (i32.shl (local.get $b) (i32.const 3))))))
      (local.set $c00 (v128.load (local.get $t)))
      (local.set $c01 (v128.load offset=16 (local.get $t)))
      (local.set $c10 (v128.const i32x4 0 0 0 0))
      (local.set $c11 (v128.const i32x4 0 0 0 0))
      (local.set $s (i32.const 0))
      (loop $segments
        (local.set $a0 (i32.add (i32.add (local.get $x0) (local.get $bx)) (i32.load (i32.add (local.get $seg) (i32.shl (local.get $s) (i32.const 2))))))
        (local.set $q (local.get $quads))
        (loop $k
          (local.set $v (v128.load32_splat (local.get $a0)))
          (local.set $c00 (i32x4.add (local.get $c00) (i32x4.dot_i16x8_s (local.get $v) (v128.load (local.get $wp)))))
          (local.set $c01 (i32x4.add (local.get $c01) (i32x4.dot_i16x8_s (local.get $v) (v128.load offset=16 (local.get $wp)))))
          (local.set $v (v128.load32_splat offset=4 (local.get $a0)))
          (local.set $c10 (i32x4.add (local.get $c10) (i32x4.dot_i16x8_s (local.get $v) (v128.load offset=32 (local.get $wp)))))
          (local.set $c11 (i32x4.add (local.get $c11) (i32x4.dot_i16x8_s (local.get $v) (v128.load offset=48 (local.get $wp)))))
          (local.set $a0 (i32.add (local.get $a0) (i32.const 8)))
          (local.set $wp (i32.add (local.get $wp) (i32.const 64)))
          (local.set $q (i32.sub (local.get $q) (i32.const 1)))
          (br_if $k (local.get $q)))
        (local.set $s (i32.add (local.get $s) (i32.const 1)))
        (br_if $segments (i32.lt_s (local.get $s) (local.get $nseg))))
      (local.set $t (i32.add (local.get $r0) (i32.load offset=4 (i32.add (local.get $blk) (i32.shl (local.get $b) (i32.const 3))))))
      (v128.store (local.get $t) (i32x4.add (local.get $c00) (local.get $c10)))
      (v128.store offset=16 (local.get $t) (i32x4.add (local.get $c01) (local.get $c11)))
      (local.set $b (i32.add (local.get $b) (i32.const 1)))
      (br_if $blocks (i32.lt_s (local.get $b) (local.get $nblk)))))

  ;; dw: depthwise sums, 8 channels at a time. $pix[p] is pixel p's byte offset in the int16
  ;; image $x, $tap[t] each tap's byte offset from there; $w is [tap][8 · $chunks] int16, $bias
  ;; [8 · $chunks] int32; row p of the int32 accumulators is at $acc + p · 32 · $chunks.
  (func (export "dw")
    (param $x i32) (param $pix i32) (param $P i32) (param $tap i32) (param $T i32)
    (param $w i32) (param $chunks i32) (param $bias i32) (param $acc i32)
    (local $p i32) (local $j i32) (local $t i32) (local $xb i32) (local $xj i32) (local $wj i32)
    (local $ap i32) (local $wstride i32)
    (local $lo v128) (local $hi v128) (local $xv v128) (local $wv v128)
    (local.set $wstride (i32.shl (local.get $chunks) (i32.const 4)))
    (local.set $ap (local.get $acc))
    (local.set $p (i32.const 0))
    (block $done
      (loop $pixels
        (br_if $done (i32.ge_s (local.get $p) (local.get $P)))
        (local.set $xb (i32.add (local.get $x) (i32.load (i32.add (local.get $pix) (i32.shl (local.get $p) (i32.const 2))))))
        (local.set $j (i32.const 0))
        (loop $chunk
          (local.set $xj (i32.add (local.get $xb) (i32.shl (local.get $j) (i32.const 4))))
          (local.set $wj (i32.add (local.get $w) (i32.shl (local.get $j) (i32.const 4))))
          (local.set $lo (v128.load (i32.add (local.get $bias) (i32.shl (local.get $j) (i32.const 5)))))
          (local.set $hi (v128.load offset=16 (i32.add (local.get $bias) (i32.shl (local.get $j) (i32.const 5)))))
          (local.set $t (i32.const 0))
          (loop $taps
            (local.set $xv (v128.load (i32.add (local.get $xj) (i32.load (i32.add (local.get $tap) (i32.shl (local.get $t) (i32.const 2)))))))
            (local.set $wv (v128.load (local.get $wj)))
            (local.set $lo (i32x4.add (local.get $lo) (i32x4.extmul_low_i16x8_s (local.get $xv) (local.get $wv))))
            (local.set $hi (i32x4.add (local.get $hi) (i32x4.extmul_high_i16x8_s (local.get $xv) (local.get $wv))))
            (local.set $wj (i32.add (local.get $wj) (local.get $wstride)))
            (local.set $t (i32.add (local.get $t) (i32.const 1)))
            (br_if $taps (i32.lt_s (local.get $t) (local.get $T))))
          (v128.store (local.get $ap) (local.get $lo))
          (v128.store offset=16 (local.get $ap) (local.get $hi))
          (local.set $ap (i32.add (local.get $ap) (i32.const 32)))
          (local.set $j (i32.add (local.get $j) (i32.const 1)))
          (br_if $chunk (i32.lt_s (local.get $j) (local.get $chunks))))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (br $pixels))))

  ;; TFLM's MultiplyByQuantizedMultiplier (double rounding), exactly, in int64.
  (func $tflm (param $x i32) (param $m i32) (param $shift i32) (result i32)
    (local $v i32) (local $e i32) (local $mask i32)
    (if (i32.gt_s (local.get $shift) (i32.const 0))
      (then
        (local.set $x (i32.shl (local.get $x) (local.get $shift)))
        (local.set $e (i32.const 0)))
      (else (local.set $e (i32.sub (i32.const 0) (local.get $shift)))))
    ;; SaturatingRoundingDoublingHighMul: floor((x·m + 2^30) / 2^31), saturating INT32_MIN².
    (if (i32.and (i32.eq (local.get $x) (i32.const 0x80000000)) (i32.eq (local.get $m) (i32.const 0x80000000)))
      (then (local.set $v (i32.const 0x7fffffff)))
      (else
        (local.set $v (i32.wrap_i64 (i64.shr_s
          (i64.add (i64.mul (i64.extend_i32_s (local.get $x)) (i64.extend_i32_s (local.get $m))) (i64.const 0x40000000))
          (i64.const 31))))))
    (if (i32.eqz (local.get $e)) (then (return (local.get $v))))
    ;; RoundingDivideByPOT.
    (local.set $mask (i32.sub (i32.shl (i32.const 1) (local.get $e)) (i32.const 1)))
    (i32.add
      (i32.shr_s (local.get $v) (local.get $e))
      (i32.gt_s
        (i32.and (local.get $v) (local.get $mask))
        (i32.add (i32.shr_s (local.get $mask) (i32.const 1)) (i32.lt_s (local.get $v) (i32.const 0))))))

  ;; TFLite's single-rounding MultiplyByQuantizedMultiplier, clamped to [$lo, $hi].
  (func $tflite (param $x i32) (param $m i32) (param $shift i32) (param $lo i32) (param $hi i32) (result i32)
    (local $k i64) (local $r i64)
    (local.set $k (i64.extend_i32_s (i32.sub (i32.const 31) (local.get $shift))))
    (local.set $r (i64.shr_s
      (i64.add (i64.mul (i64.extend_i32_s (local.get $x)) (i64.extend_i32_s (local.get $m)))
               (i64.shl (i64.const 1) (i64.sub (local.get $k) (i64.const 1))))
      (local.get $k)))
    (if (i64.lt_s (local.get $r) (i64.extend_i32_s (local.get $lo))) (then (return (local.get $lo))))
    (if (i64.gt_s (local.get $r) (i64.extend_i32_s (local.get $hi))) (then (return (local.get $hi))))
    (i32.wrap_i64 (local.get $r)))

;; One channel's requantization by the int64 rules, clamped to [$lz, $hz] (output units less
  ;; the zero point): mode bit 0 selects tflite, else tflm; $pc points at the channel's multiplier.
  (func $scalar (param $x i32) (param $pc i32) (param $cp i32) (param $mode i32) (param $lz i32) (param $hz i32) (result i32)
    (local $r i32)
    (if (i32.and (local.get $mode) (i32.const 1))
      (then (return (call $tflite (local.get $x) (i32.load (local.get $pc)) (i32.load (i32.add (local.get $pc) (i32.shl (local.get $cp) (i32.const 2)))) (local.get $lz) (local.get $hz)))))
    (local.set $r (call $tflm (local.get $x) (i32.load (local.get $pc)) (i32.load (i32.add (local.get $pc) (i32.shl (local.get $cp) (i32.const 2))))))
    (local.set $r (select (local.get $lz) (local.get $r) (i32.lt_s (local.get $r) (local.get $lz))))
    (select (local.get $hz) (local.get $r) (i32.gt_s (local.get $r) (local.get $hz))))

  ;; The tflm and tflite rules for 4 lanes, exactly, for any accumulators (no left shifts):
  ;; v = (x·m + N) >> 31 in int64 (its low 32 bits are v), then the nearest integer to
  ;; w = v·2^−j + c, which spans at most 32 bits, so is exact in float64, and is never a tie;
  ;; adding 1.5·2^52 rounds it into the low 32 bits. tflm: N = 2^30 (v is
  ;; SaturatingRoundingDoublingHighMul), j = e and c = sign(v)·2^−(e+1) (+0 when e = 0) make
  ;; the nearest integer RoundingDivideByPOT(v, e) (halves away from zero). tflite, k = 31 − shift
  ;; ≥ 31: floor((x·m + 2^(k−1)) / 2^k) = floor((v + 2^(j−1)) / 2^j) with N = 0 and j = k − 31
  ;; (N = 2^30 and j = 0 when k = 31), the nearest integer to v·2^−j + 2^−(j+1).
  ;; Per channel: i32 m at $mp; at $sp f64 2^−j, $sp + 8·$cp f64 c, $sp + 16·$cp i64 N,
  ;; $sp + 24·$cp i64 sign mask (2^63 for tflm, whose c takes v's sign, else 0).
  (func $exact4 (param $x v128) (param $mp i32) (param $sp i32) (param $cp i32) (result v128)
    (local $m v128) (local $v v128) (local $f0 v128) (local $f1 v128) (local $cq i32) (local $nq i32) (local $sq i32)
    (local.set $m (v128.load (local.get $mp)))
    (local.set $cq (i32.add (local.get $sp) (i32.shl (local.get $cp) (i32.const 3))))
    (local.set $nq (i32.add (local.get $cq) (i32.shl (local.get $cp) (i32.const 3))))
    (local.set $sq (i32.add (local.get $nq) (i32.shl (local.get $cp) (i32.const 3))))
    (local.set $v (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27
      (i64x2.shr_u (i64x2.add (i64x2.extmul_low_i32x4_s (local.get $x) (local.get $m)) (v128.load (local.get $nq))) (i32.const 31))
      (i64x2.shr_u (i64x2.add (i64x2.extmul_high_i32x4_s (local.get $x) (local.get $m)) (v128.load offset=16 (local.get $nq))) (i32.const 31))))
    (local.set $f0 (f64x2.convert_low_i32x4_s (local.get $v)))
    (local.set $f1 (f64x2.convert_low_i32x4_s (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $v) (local.get $v))))
    (local.set $f0 (f64x2.add
      (f64x2.add (f64x2.mul (local.get $f0) (v128.load (local.get $sp)))
        (v128.or (v128.load (local.get $cq)) (v128.and (local.get $f0) (v128.load (local.get $sq)))))
      (v128.const f64x2 6755399441055744 6755399441055744)))
    (local.set $f1 (f64x2.add
      (f64x2.add (f64x2.mul (local.get $f1) (v128.load offset=16 (local.get $sp)))
        (v128.or (v128.load offset=16 (local.get $cq)) (v128.and (local.get $f1) (v128.load offset=16 (local.get $sq)))))
      (v128.const f64x2 6755399441055744 6755399441055744)))
    (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27 (local.get $f0) (local.get $f1)))

  ;; requant: out[p · $C + c] = clamp(rule_c(acc[p][c]) + zp, lo, hi) for $P pixels and $C
  ;; channels (the accumulators already hold the bias), 4 channels at a time over every pixel,
  ;; the last (partial) group first: its extra bytes land on the next pixel's first channels,
  ;; which are written afterwards, or in the slack. Per-channel constants, for $cp channels (a
  ;; multiple of 16), at $prm + {0, 8, 16, 24}·$cp: f64 mul, add, addNeg, thr; at
  ;; $prm + {32, 36, 40, 44}·$cp: f32 scale, i32 multiplier, i32 shift, u32 bound; at
  ;; $prm + {48, 56, 64, 72}·$cp: f64 2^−j, f64 c, i64 N, i64 sign mask (see $exact4); at
  ;; $prm + 80·$cp + c, i32 per group of 4 channels: nonzero where $exact4 takes every pixel.
  ;; Modes: 0 tflm or tflite in f64, where an |accumulator| at its channel's bound sends the 4
  ;; channels of that pixel to $exact4; 1 tflite in f64 with int64 instead (multipliers above
  ;; 1); 2 xnnpack (float32); 4 tflm in int64 (multipliers above 1). Bit 0: tflite.
  ;;
  ;; The f64 form (see planRequant in kernels/conv/wasmConv.ts): with p = acc · m and the
  ;; rule's addend A and divisor G = 2^k, floor((p + A) / G) is the nearest integer to
  ;; w = (p + A)/G − 1/2 + 1/(2G) = y + add (y = acc · mul, exact; add = (2A − G + 1)/(2G),
  ;; addNeg for A's negative variant when y < thr), never a tie since 2(p + A) − G + 1 is odd,
  ;; and w is exact while |p| < 2^52 − 2^31. Adding 1.5·2^52 + zp rounds w to that integer and
  ;; leaves it, plus zp, in the low 32 bits.
  (func (export "requant")
    (param $acc i32) (param $pitch i32) (param $P i32) (param $C i32)
    (param $prm i32) (param $cp i32) (param $out i32)
    (param $mode i32) (param $zp i32) (param $lo i32) (param $hi i32)
    (local $c i32) (local $p i32) (local $a i32) (local $o i32) (local $i i32) (local $pc i32)
    (local $lz i32) (local $hz i32)
    (local $v v128) (local $y0 v128) (local $y1 v128)
    (local $m0 v128) (local $m1 v128) (local $d0 v128) (local $d1 v128)
    (local $n0 v128) (local $n1 v128) (local $t0 v128) (local $t1 v128) (local $bound v128) (local $bad v128)
    (local $vlo v128) (local $vhi v128) (local $magic v128)
    (if (i32.le_s (local.get $P) (i32.const 0)) (then (return)))
    (local.set $lz (i32.sub (local.get $lo) (local.get $zp)))
    (local.set $hz (i32.sub (local.get $hi) (local.get $zp)))
    (local.set $c (i32.and (i32.sub (local.get $C) (i32.const 1)) (i32.const -4)))
    (loop $groups
      (local.set $a (i32.add (local.get $acc) (i32.shl (local.get $c) (i32.const 2))))
      (local.set $o (i32.add (local.get $out) (local.get $c)))
      (local.set $p (local.get $P))
      (block $next
        (if (i32.eq (local.get $mode) (i32.const 2))
          (then
            ;; xnnpack: round_half_even(f32(acc) · scale) clamped in float32 (pmin/pmax: no
            ;; NaN here), plus 1.5·2^23 + zp, which leaves the integer in the low bits.
            (local.set $m0 (v128.load (i32.add (i32.add (local.get $prm) (i32.shl (local.get $cp) (i32.const 5))) (i32.shl (local.get $c) (i32.const 2)))))
            (local.set $vlo (f32x4.splat (f32.convert_i32_s (local.get $lz))))
            (local.set $vhi (f32x4.splat (f32.convert_i32_s (local.get $hz))))
            (local.set $magic (f32x4.splat (f32.add (f32.const 12582912) (f32.convert_i32_s (local.get $zp)))))
            (loop $px
              (local.set $v (f32x4.nearest (f32x4.mul (f32x4.convert_i32x4_s (v128.load (local.get $a))) (local.get $m0))))
              (local.set $v (f32x4.add (f32x4.pmin (f32x4.pmax (local.get $v) (local.get $vlo)) (local.get $vhi)) (local.get $magic)))
              (local.set $v (i32x4.sub (local.get $v) (v128.const i32x4 0x4b400000 0x4b400000 0x4b400000 0x4b400000)))
              (local.set $v (i8x16.narrow_i16x8_s (i16x8.narrow_i32x4_s (local.get $v) (local.get $v)) (local.get $v)))
              (v128.store32_lane 0 (local.get $o) (local.get $v))
              (local.set $a (i32.add (local.get $a) (local.get $pitch)))
              (local.set $o (i32.add (local.get $o) (local.get $C)))
              (local.set $p (i32.sub (local.get $p) (i32.const 1)))
              (br_if $px (local.get $p)))
            (br $next)))
        (if (i32.le_u (local.get $mode) (i32.const 1))
          (then
            (local.set $pc (i32.add (local.get $prm) (i32.shl (local.get $c) (i32.const 3))))
            (local.set $m0 (v128.load (local.get $pc)))
            (local.set $m1 (v128.load offset=16 (local.get $pc)))
            (local.set $pc (i32.add (local.get $pc) (i32.shl (local.get $cp) (i32.const 3))))
            (local.set $d0 (v128.load (local.get $pc)))
            (local.set $d1 (v128.load offset=16 (local.get $pc)))
            (local.set $pc (i32.add (local.get $pc) (i32.shl (local.get $cp) (i32.const 3))))
            (local.set $n0 (v128.load (local.get $pc)))
            (local.set $n1 (v128.load offset=16 (local.get $pc)))
            (local.set $pc (i32.add (local.get $pc) (i32.shl (local.get $cp) (i32.const 3))))
            (local.set $t0 (v128.load (local.get $pc)))
            (local.set $t1 (v128.load offset=16 (local.get $pc)))
            (local.set $bound (v128.load (i32.add (i32.add (local.get $prm) (i32.mul (local.get $cp) (i32.const 44))) (i32.shl (local.get $c) (i32.const 2)))))
            ;; Groups whose sums are certain to pass the bound (planRequant knows from the bias and
            ;; weights) take $exact4 for every pixel.
            (if (i32.load (i32.add (i32.add (local.get $prm) (i32.mul (local.get $cp) (i32.const 80))) (local.get $c)))
              (then
                (local.set $m0 (i32x4.splat (local.get $lz)))
                (local.set $m1 (i32x4.splat (local.get $hz)))
                (local.set $d0 (i32x4.splat (local.get $zp)))
                (local.set $i (i32.add (i32.add (local.get $prm) (i32.mul (local.get $cp) (i32.const 36))) (i32.shl (local.get $c) (i32.const 2))))
                (local.set $pc (i32.add (i32.add (local.get $prm) (i32.mul (local.get $cp) (i32.const 48))) (i32.shl (local.get $c) (i32.const 3))))
                (loop $exact
                  (local.set $v (i32x4.add (i32x4.min_s (i32x4.max_s
                    (call $exact4 (v128.load (local.get $a)) (local.get $i) (local.get $pc) (local.get $cp))
                    (local.get $m0)) (local.get $m1)) (local.get $d0)))
                  (v128.store32_lane 0 (local.get $o) (i8x16.narrow_i16x8_s (i16x8.narrow_i32x4_s (local.get $v) (local.get $v)) (local.get $v)))
                  (local.set $a (i32.add (local.get $a) (local.get $pitch)))
                  (local.set $o (i32.add (local.get $o) (local.get $C)))
                  (local.set $p (i32.sub (local.get $p) (i32.const 1)))
                  (br_if $exact (local.get $p)))
                (br $next)))
            (local.set $vlo (i32x4.splat (local.get $lo)))
            (local.set $vhi (i32x4.splat (local.get $hi)))
            (local.set $magic (f64x2.splat (f64.add (f64.const 6755399441055744) (f64.convert_i32_s (local.get $zp)))))
            ;; Every pixel without a branch, noting any |accumulator| at its bound; then, only if
            ;; there was one, the pixels that have one again, by $exact4 (or int64 for tflite
            ;; with multipliers above 1). Both loops are straight-line where it matters: a call
            ;; in the main loop would make V8 keep the constants out of registers.
            (local.set $bad (v128.const i32x4 0 0 0 0))
            (loop $fast
              (local.set $v (v128.load (local.get $a)))
              (local.set $bad (v128.or (local.get $bad) (i32x4.ge_u (i32x4.abs (local.get $v)) (local.get $bound))))
              (local.set $y0 (f64x2.mul (f64x2.convert_low_i32x4_s (local.get $v)) (local.get $m0)))
              (local.set $y1 (f64x2.mul (f64x2.convert_low_i32x4_s (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $v) (local.get $v))) (local.get $m1)))
              (local.set $y0 (f64x2.add (f64x2.add (local.get $y0) (v128.bitselect (local.get $n0) (local.get $d0) (f64x2.lt (local.get $y0) (local.get $t0)))) (local.get $magic)))
              (local.set $y1 (f64x2.add (f64x2.add (local.get $y1) (v128.bitselect (local.get $n1) (local.get $d1) (f64x2.lt (local.get $y1) (local.get $t1)))) (local.get $magic)))
              (local.set $v (i32x4.min_s (i32x4.max_s (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27 (local.get $y0) (local.get $y1)) (local.get $vlo)) (local.get $vhi)))
              (v128.store32_lane 0 (local.get $o) (i8x16.narrow_i16x8_s (i16x8.narrow_i32x4_s (local.get $v) (local.get $v)) (local.get $v)))
              (local.set $a (i32.add (local.get $a) (local.get $pitch)))
              (local.set $o (i32.add (local.get $o) (local.get $C)))
              (local.set $p (i32.sub (local.get $p) (i32.const 1)))
              (br_if $fast (local.get $p)))
            (br_if $next (i32.eqz (v128.any_true (local.get $bad))))
            (local.set $a (i32.add (local.get $acc) (i32.shl (local.get $c) (i32.const 2))))
            (local.set $o (i32.add (local.get $out) (local.get $c)))
            (local.set $p (local.get $P))
            (loop $fix
              (local.set $v (v128.load (local.get $a)))
              (if (v128.any_true (i32x4.ge_u (i32x4.abs (local.get $v)) (local.get $bound)))
                (then
                  (if (i32.eqz (local.get $mode))
                    (then
                      (local.set $v (i32x4.add (i32x4.min_s (i32x4.max_s
                        (call $exact4 (local.get $v)
                          (i32.add (i32.add (local.get $prm) (i32.mul (local.get $cp) (i32.const 36))) (i32.shl (local.get $c) (i32.const 2)))
                          (i32.add (i32.add (local.get $prm) (i32.mul (local.get $cp) (i32.const 48))) (i32.shl (local.get $c) (i32.const 3)))
                          (local.get $cp))
                        (i32x4.splat (local.get $lz))) (i32x4.splat (local.get $hz))) (i32x4.splat (local.get $zp)))))
                    (else
                      (local.set $pc (i32.add (i32.add (local.get $prm) (i32.mul (local.get $cp) (i32.const 36))) (i32.shl (local.get $c) (i32.const 2))))
                      (local.set $v (i32x4.replace_lane 0 (local.get $v) (call $scalar (i32x4.extract_lane 0 (local.get $v)) (local.get $pc) (local.get $cp) (local.get $mode) (local.get $lz) (local.get $hz))))
                      (local.set $v (i32x4.replace_lane 1 (local.get $v) (call $scalar (i32x4.extract_lane 1 (local.get $v)) (i32.add (local.get $pc) (i32.const 4)) (local.get $cp) (local.get $mode) (local.get $lz) (local.get $hz))))
                      (local.set $v (i32x4.replace_lane 2 (local.get $v) (call $scalar (i32x4.extract_lane 2 (local.get $v)) (i32.add (local.get $pc) (i32.const 8)) (local.get $cp) (local.get $mode) (local.get $lz) (local.get $hz))))
                      (local.set $v (i32x4.replace_lane 3 (local.get $v) (call $scalar (i32x4.extract_lane 3 (local.get $v)) (i32.add (local.get $pc) (i32.const 12)) (local.get $cp) (local.get $mode) (local.get $lz) (local.get $hz))))
                      (local.set $v (i32x4.add (local.get $v) (i32x4.splat (local.get $zp))))))
                  (v128.store32_lane 0 (local.get $o) (i8x16.narrow_i16x8_s (i16x8.narrow_i32x4_s (local.get $v) (local.get $v)) (local.get $v)))))
              (local.set $a (i32.add (local.get $a) (local.get $pitch)))
              (local.set $o (i32.add (local.get $o) (local.get $C)))
              (local.set $p (i32.sub (local.get $p) (i32.const 1)))
              (br_if $fix (local.get $p)))
            (br $next)))
        ;; int64 for every lane.
        (local.set $pc (i32.add (i32.add (local.get $prm) (i32.mul (local.get $cp) (i32.const 36))) (i32.shl (local.get $c) (i32.const 2))))
        (loop $px
          (local.set $i (i32.const 0))
          (loop $lanes
            (i32.store8 (i32.add (local.get $o) (local.get $i))
              (i32.add (local.get $zp)
                (call $scalar (i32.load (i32.add (local.get $a) (i32.shl (local.get $i) (i32.const 2))))
                  (i32.add (local.get $pc) (i32.shl (local.get $i) (i32.const 2))) (local.get $cp) (local.get $mode) (local.get $lz) (local.get $hz))))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br_if $lanes (i32.lt_u (local.get $i) (i32.const 4))))
          (local.set $a (i32.add (local.get $a) (local.get $pitch)))
          (local.set $o (i32.add (local.get $o) (local.get $C)))
          (local.set $p (i32.sub (local.get $p) (i32.const 1)))
          (br_if $px (local.get $p))))
      (local.set $c (i32.sub (local.get $c) (i32.const 4)))
      (br_if $groups (i32.ge_s (local.get $c) (i32.const 0)))))

  ;; add8: int8 ADD / SUB of two same-shaped tensors, $n elements, 4 at a time (reading and
  ;; writing up to 3 bytes past the end). $prm holds i32 scalars at 0 mode (0: TFLM's double
  ;; rounding, 1: XNNPACK's), 20 lo, 24 eo, 28 shift; vectors of 4 equal i32 (read from memory
  ;; in the loop rather than held in registers) at 176 mo, 192 ko, 208 ho, 224 lo − zp,
  ;; 240 hi − zp, 256 zp, 272 bias, 288 am, 304 bm; and two int32 tables by input byte at 320
  ;; (t1) and 1344 (t2).
  ;; TFLM: out = clamp(MBQM(t1[a] + t2[b], mo) + zp), where t1[a] = MBQM((a + off1)·2^20, m1) and
  ;; t2[b] = ±MBQM((b + off2)·2^20, m2) (− for SUB), and MultiplyByQuantizedMultiplier (one
  ;; multiplier for all lanes, left shift lo, right shift eo, k = 2^eo − 1, h = k >> 1) is:
  ;; SaturatingRoundingDoublingHighMul (m ≥ 0: no saturation), the low 32 bits of
  ;; (x·m + 2^30) >> 31 in int64; RoundingDivideByPOT, (v >> eo) + ((v & k) > h + (v < 0)).
  ;; XNNPACK: out = clamp((bias + a·am + b·bm) >> shift) + zp, wrapping as the JS's ToInt32.
  (func (export "add8") (param $a i32) (param $b i32) (param $out i32) (param $n i32) (param $prm i32)
    (local $i i32) (local $pa i32) (local $pb i32) (local $xa v128) (local $xb v128) (local $r v128) (local $t v128)
    (if (i32.load (local.get $prm))
      (then
        (block $done
          (loop $xnn
            (br_if $done (i32.ge_s (local.get $i) (local.get $n)))
            (local.set $xa (i32x4.extend_low_i16x8_s (i16x8.extend_low_i8x16_s (v128.load32_zero (i32.add (local.get $a) (local.get $i))))))
            (local.set $xb (i32x4.extend_low_i16x8_s (i16x8.extend_low_i8x16_s (v128.load32_zero (i32.add (local.get $b) (local.get $i))))))
            (local.set $r (i32x4.shr_s
              (i32x4.add (i32x4.add (v128.load offset=272 (local.get $prm)) (i32x4.mul (local.get $xa) (v128.load offset=288 (local.get $prm))))
                (i32x4.mul (local.get $xb) (v128.load offset=304 (local.get $prm))))
              (i32.load offset=28 (local.get $prm))))
            (local.set $r (i32x4.add (i32x4.min_s (i32x4.max_s (local.get $r) (v128.load offset=224 (local.get $prm))) (v128.load offset=240 (local.get $prm))) (v128.load offset=256 (local.get $prm))))
            (v128.store32_lane 0 (i32.add (local.get $out) (local.get $i)) (i8x16.narrow_i16x8_s (i16x8.narrow_i32x4_s (local.get $r) (local.get $r)) (local.get $r)))
            (local.set $i (i32.add (local.get $i) (i32.const 4)))
            (br $xnn)))
        (return)))
    (block $done
      (loop $tflm
        (br_if $done (i32.ge_s (local.get $i) (local.get $n)))
        (local.set $pa (i32.add (local.get $a) (local.get $i)))
        (local.set $pb (i32.add (local.get $b) (local.get $i)))
        ;; The sums t1[a] + t2[b], wrapping as the JS's (s1 + sign·s2) | 0.
        (local.set $t (i32x4.splat (i32.add
            (i32.load offset=320 (i32.add (local.get $prm) (i32.shl (i32.load8_u offset=0 (local.get $pa)) (i32.const 2))))
            (i32.load offset=1344 (i32.add (local.get $prm) (i32.shl (i32.load8_u offset=0 (local.get $pb)) (i32.const 2)))))))
        (local.set $t (i32x4.replace_lane 1 (local.get $t) (i32.add
            (i32.load offset=320 (i32.add (local.get $prm) (i32.shl (i32.load8_u offset=1 (local.get $pa)) (i32.const 2))))
            (i32.load offset=1344 (i32.add (local.get $prm) (i32.shl (i32.load8_u offset=1 (local.get $pb)) (i32.const 2)))))))
        (local.set $t (i32x4.replace_lane 2 (local.get $t) (i32.add
            (i32.load offset=320 (i32.add (local.get $prm) (i32.shl (i32.load8_u offset=2 (local.get $pa)) (i32.const 2))))
            (i32.load offset=1344 (i32.add (local.get $prm) (i32.shl (i32.load8_u offset=2 (local.get $pb)) (i32.const 2)))))))
        (local.set $t (i32x4.replace_lane 3 (local.get $t) (i32.add
            (i32.load offset=320 (i32.add (local.get $prm) (i32.shl (i32.load8_u offset=3 (local.get $pa)) (i32.const 2))))
            (i32.load offset=1344 (i32.add (local.get $prm) (i32.shl (i32.load8_u offset=3 (local.get $pb)) (i32.const 2)))))))
        (local.set $t (i32x4.shl (local.get $t) (i32.load offset=20 (local.get $prm))))
        (local.set $t (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27
          (i64x2.shr_u (i64x2.add (i64x2.extmul_low_i32x4_s (local.get $t) (v128.load offset=176 (local.get $prm))) (v128.const i64x2 0x40000000 0x40000000)) (i32.const 31))
          (i64x2.shr_u (i64x2.add (i64x2.extmul_high_i32x4_s (local.get $t) (v128.load offset=176 (local.get $prm))) (v128.const i64x2 0x40000000 0x40000000)) (i32.const 31))))
        (local.set $r (i32x4.sub (i32x4.shr_s (local.get $t) (i32.load offset=24 (local.get $prm)))
          (i32x4.gt_s (v128.and (local.get $t) (v128.load offset=192 (local.get $prm))) (i32x4.sub (v128.load offset=208 (local.get $prm)) (i32x4.shr_s (local.get $t) (i32.const 31))))))
        (local.set $r (i32x4.add (i32x4.min_s (i32x4.max_s (local.get $r) (v128.load offset=224 (local.get $prm))) (v128.load offset=240 (local.get $prm))) (v128.load offset=256 (local.get $prm))))
        (v128.store32_lane 0 (i32.add (local.get $out) (local.get $i)) (i8x16.narrow_i16x8_s (i16x8.narrow_i32x4_s (local.get $r) (local.get $r)) (local.get $r)))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $tflm))))
)
