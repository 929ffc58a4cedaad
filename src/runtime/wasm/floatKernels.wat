;; WebAssembly SIMD kernels of the float32 runtime: the multiply-accumulate loops of CONV_2D,
;; FULLY_CONNECTED (fconv) and DEPTHWISE_CONV_2D (fdw), and same-shaped ADD / SUB / MUL (fbin).
;;
;; Each output value is summed as TFLite's reference float kernels sum it: a float32 total from
;; 0, one product at a time in the filter's (y, x, channel) order, then the bias, then the
;; fused activation's clamp. Padded taps read zeros (the glue pads the image), which add 0 to a
;; sum and change nothing. So with separate multiplies and adds every output equals the
;; reference kernel's, bit for bit; scripts/build-wasm.mjs builds that module from this file
;; by rewriting each f32x4.relaxed_madd into f32x4.mul then f32x4.add, and builds this file
;; as written (fused multiply-adds where the platform has them) for platforms with relaxed
;; SIMD, which simd.ts detects: one rounding per product fewer, so the last bits differ.
;;
;; Buffers are laid out by the TypeScript glue (kernels/wasmFloat.ts); every buffer is
;; followed by at least 64 bytes of slack: vector loops read a little past their data.
;;
;; After editing, regenerate kernelsWasm.ts (the bytes, base64) with `npm run build-wasm`
;; (scripts/build-wasm.mjs, wabt) and commit both files.
(module
  (import "env" "memory" (memory 0))

  ;; Stores the first $n lanes (at least 1) of the 8 in $v0, $v1 at $p: a block's last
  ;; channels must not spill into the next pixel's.
  (func $store8 (param $p i32) (param $v0 v128) (param $v1 v128) (param $n i32)
    (if (i32.ge_u (local.get $n) (i32.const 8))
      (then
        (v128.store (local.get $p) (local.get $v0))
        (v128.store offset=16 (local.get $p) (local.get $v1))
        (return)))
    (if (i32.ge_u (local.get $n) (i32.const 4))
      (then
        (v128.store (local.get $p) (local.get $v0))
        (local.set $v0 (local.get $v1))
        (local.set $p (i32.add (local.get $p) (i32.const 16)))
        (local.set $n (i32.sub (local.get $n) (i32.const 4)))))
    (if (i32.eqz (local.get $n)) (then (return)))
    (f32.store (local.get $p) (f32x4.extract_lane 0 (local.get $v0)))
    (if (i32.eq (local.get $n) (i32.const 1)) (then (return)))
    (f32.store offset=4 (local.get $p) (f32x4.extract_lane 1 (local.get $v0)))
    (if (i32.eq (local.get $n) (i32.const 2)) (then (return)))
    (f32.store offset=8 (local.get $p) (f32x4.extract_lane 2 (local.get $v0))))

  ;; sum + bias, clamped as the JS loops clamp (v < lo ? lo : v > hi ? hi : v, NaN kept): pmax
  ;; and pmin are exactly those comparisons.
  (func $finish (param $sum v128) (param $bias v128) (param $lo v128) (param $hi v128) (result v128)
    (f32x4.pmin (f32x4.pmax (f32x4.add (local.get $sum) (local.get $bias)) (local.get $lo)) (local.get $hi)))

  ;; fconv: output pixels times blocks of 8 output channels. Pixel p's taps start at byte $x +
  ;; $pix[p]; it reads $segs segments at byte offsets $seg[s] from there, each $len floats
  ;; long. $w holds, per block, per segment, per value, the 8 channels' weights (32 bytes);
  ;; $bias 8 floats per block (zeros past the channels). Output pixel p's $outC channels are
  ;; at $out + p · $row. Four pixels at a time, then the rest one by one.
  (func (export "fconv")
    (param $x i32) (param $pix i32) (param $P i32) (param $seg i32) (param $segs i32) (param $len i32)
    (param $w i32) (param $blocks i32) (param $bias i32) (param $out i32) (param $row i32) (param $outC i32)
    (param $lo f32) (param $hi f32)
    (local $p i32) (local $b i32) (local $s i32) (local $k i32) (local $so i32) (local $wp i32)
    (local $o i32) (local $n i32) (local $bp i32)
    (local $x0 i32) (local $x1 i32) (local $x2 i32) (local $x3 i32)
    (local $a0 i32) (local $a1 i32) (local $a2 i32) (local $a3 i32)
    (local $c00 v128) (local $c01 v128) (local $c10 v128) (local $c11 v128)
    (local $c20 v128) (local $c21 v128) (local $c30 v128) (local $c31 v128)
    (local $w0 v128) (local $w1 v128) (local $v v128)
    (local $b0 v128) (local $b1 v128) (local $vlo v128) (local $vhi v128)
    (local.set $vlo (f32x4.splat (local.get $lo)))
    (local.set $vhi (f32x4.splat (local.get $hi)))
    (local.set $p (i32.const 0))
    (block $quads_done
      (loop $quads
        (br_if $quads_done (i32.gt_s (i32.add (local.get $p) (i32.const 4)) (local.get $P)))
        (local.set $a0 (i32.add (local.get $pix) (i32.shl (local.get $p) (i32.const 2))))
        (local.set $x0 (i32.add (local.get $x) (i32.load (local.get $a0))))
        (local.set $x1 (i32.add (local.get $x) (i32.load offset=4 (local.get $a0))))
        (local.set $x2 (i32.add (local.get $x) (i32.load offset=8 (local.get $a0))))
        (local.set $x3 (i32.add (local.get $x) (i32.load offset=12 (local.get $a0))))
        (local.set $o (i32.add (local.get $out) (i32.mul (local.get $p) (local.get $row))))
        (local.set $wp (local.get $w))
        (local.set $b (i32.const 0))
        (loop $blocks4
          (local.set $c00 (v128.const i32x4 0 0 0 0)) (local.set $c01 (v128.const i32x4 0 0 0 0))
          (local.set $c10 (v128.const i32x4 0 0 0 0)) (local.set $c11 (v128.const i32x4 0 0 0 0))
          (local.set $c20 (v128.const i32x4 0 0 0 0)) (local.set $c21 (v128.const i32x4 0 0 0 0))
          (local.set $c30 (v128.const i32x4 0 0 0 0)) (local.set $c31 (v128.const i32x4 0 0 0 0))
          (local.set $s (i32.const 0))
          (loop $segs4
            (local.set $so (i32.load (i32.add (local.get $seg) (i32.shl (local.get $s) (i32.const 2)))))
            (local.set $a0 (i32.add (local.get $x0) (local.get $so)))
            (local.set $a1 (i32.add (local.get $x1) (local.get $so)))
            (local.set $a2 (i32.add (local.get $x2) (local.get $so)))
            (local.set $a3 (i32.add (local.get $x3) (local.get $so)))
            (local.set $k (local.get $len))
            (loop $ks4
              (local.set $w0 (v128.load (local.get $wp)))
              (local.set $w1 (v128.load offset=16 (local.get $wp)))
              (local.set $v (v128.load32_splat (local.get $a0)))
              (local.set $c00 (f32x4.relaxed_madd (local.get $v) (local.get $w0) (local.get $c00)))
              (local.set $c01 (f32x4.relaxed_madd (local.get $v) (local.get $w1) (local.get $c01)))
              (local.set $v (v128.load32_splat (local.get $a1)))
              (local.set $c10 (f32x4.relaxed_madd (local.get $v) (local.get $w0) (local.get $c10)))
              (local.set $c11 (f32x4.relaxed_madd (local.get $v) (local.get $w1) (local.get $c11)))
              (local.set $v (v128.load32_splat (local.get $a2)))
              (local.set $c20 (f32x4.relaxed_madd (local.get $v) (local.get $w0) (local.get $c20)))
              (local.set $c21 (f32x4.relaxed_madd (local.get $v) (local.get $w1) (local.get $c21)))
              (local.set $v (v128.load32_splat (local.get $a3)))
              (local.set $c30 (f32x4.relaxed_madd (local.get $v) (local.get $w0) (local.get $c30)))
              (local.set $c31 (f32x4.relaxed_madd (local.get $v) (local.get $w1) (local.get $c31)))
              (local.set $a0 (i32.add (local.get $a0) (i32.const 4)))
              (local.set $a1 (i32.add (local.get $a1) (i32.const 4)))
              (local.set $a2 (i32.add (local.get $a2) (i32.const 4)))
              (local.set $a3 (i32.add (local.get $a3) (i32.const 4)))
              (local.set $wp (i32.add (local.get $wp) (i32.const 32)))
              (local.set $k (i32.sub (local.get $k) (i32.const 1)))
              (br_if $ks4 (local.get $k)))
            (local.set $s (i32.add (local.get $s) (i32.const 1)))
            (br_if $segs4 (i32.lt_u (local.get $s) (local.get $segs))))
          (local.set $bp (i32.add (local.get $bias) (i32.shl (local.get $b) (i32.const 5))))
          (local.set $b0 (v128.load (local.get $bp)))
          (local.set $b1 (v128.load offset=16 (local.get $bp)))
          (local.set $n (i32.sub (local.get $outC) (i32.shl (local.get $b) (i32.const 3))))
          (local.set $bp (i32.add (local.get $o) (i32.shl (local.get $b) (i32.const 5))))
          ;; Whole blocks store inline ($finish written out); a last partial block goes lane by lane.
          (if (i32.ge_u (local.get $n) (i32.const 8))
            (then
              (v128.store (local.get $bp) (f32x4.pmin (f32x4.pmax (f32x4.add (local.get $c00) (local.get $b0)) (local.get $vlo)) (local.get $vhi)))
              (v128.store offset=16 (local.get $bp) (f32x4.pmin (f32x4.pmax (f32x4.add (local.get $c01) (local.get $b1)) (local.get $vlo)) (local.get $vhi)))
              (local.set $bp (i32.add (local.get $bp) (local.get $row)))
              (v128.store (local.get $bp) (f32x4.pmin (f32x4.pmax (f32x4.add (local.get $c10) (local.get $b0)) (local.get $vlo)) (local.get $vhi)))
              (v128.store offset=16 (local.get $bp) (f32x4.pmin (f32x4.pmax (f32x4.add (local.get $c11) (local.get $b1)) (local.get $vlo)) (local.get $vhi)))
              (local.set $bp (i32.add (local.get $bp) (local.get $row)))
              (v128.store (local.get $bp) (f32x4.pmin (f32x4.pmax (f32x4.add (local.get $c20) (local.get $b0)) (local.get $vlo)) (local.get $vhi)))
              (v128.store offset=16 (local.get $bp) (f32x4.pmin (f32x4.pmax (f32x4.add (local.get $c21) (local.get $b1)) (local.get $vlo)) (local.get $vhi)))
              (local.set $bp (i32.add (local.get $bp) (local.get $row)))
              (v128.store (local.get $bp) (f32x4.pmin (f32x4.pmax (f32x4.add (local.get $c30) (local.get $b0)) (local.get $vlo)) (local.get $vhi)))
              (v128.store offset=16 (local.get $bp) (f32x4.pmin (f32x4.pmax (f32x4.add (local.get $c31) (local.get $b1)) (local.get $vlo)) (local.get $vhi))))
            (else
              (call $store8 (local.get $bp)
                (call $finish (local.get $c00) (local.get $b0) (local.get $vlo) (local.get $vhi))
                (call $finish (local.get $c01) (local.get $b1) (local.get $vlo) (local.get $vhi)) (local.get $n))
              (local.set $bp (i32.add (local.get $bp) (local.get $row)))
              (call $store8 (local.get $bp)
                (call $finish (local.get $c10) (local.get $b0) (local.get $vlo) (local.get $vhi))
                (call $finish (local.get $c11) (local.get $b1) (local.get $vlo) (local.get $vhi)) (local.get $n))
              (local.set $bp (i32.add (local.get $bp) (local.get $row)))
              (call $store8 (local.get $bp)
                (call $finish (local.get $c20) (local.get $b0) (local.get $vlo) (local.get $vhi))
                (call $finish (local.get $c21) (local.get $b1) (local.get $vlo) (local.get $vhi)) (local.get $n))
              (local.set $bp (i32.add (local.get $bp) (local.get $row)))
              (call $store8 (local.get $bp)
                (call $finish (local.get $c30) (local.get $b0) (local.get $vlo) (local.get $vhi))
                (call $finish (local.get $c31) (local.get $b1) (local.get $vlo) (local.get $vhi)) (local.get $n))))
          (local.set $b (i32.add (local.get $b) (i32.const 1)))
          (br_if $blocks4 (i32.lt_u (local.get $b) (local.get $blocks))))
        (local.set $p (i32.add (local.get $p) (i32.const 4)))
        (br $quads)))
    (block $ones_done
      (loop $ones
        (br_if $ones_done (i32.ge_s (local.get $p) (local.get $P)))
        (local.set $x0 (i32.add (local.get $x) (i32.load (i32.add (local.get $pix) (i32.shl (local.get $p) (i32.const 2))))))
        (local.set $o (i32.add (local.get $out) (i32.mul (local.get $p) (local.get $row))))
        (local.set $wp (local.get $w))
        (local.set $b (i32.const 0))
        (loop $blocks1
          (local.set $c00 (v128.const i32x4 0 0 0 0)) (local.set $c01 (v128.const i32x4 0 0 0 0))
          (local.set $s (i32.const 0))
          (loop $segs1
            (local.set $a0 (i32.add (local.get $x0) (i32.load (i32.add (local.get $seg) (i32.shl (local.get $s) (i32.const 2))))))
            (local.set $k (local.get $len))
            (loop $ks1
              (local.set $v (v128.load32_splat (local.get $a0)))
              (local.set $c00 (f32x4.relaxed_madd (local.get $v) (v128.load (local.get $wp)) (local.get $c00)))
              (local.set $c01 (f32x4.relaxed_madd (local.get $v) (v128.load offset=16 (local.get $wp)) (local.get $c01)))
              (local.set $a0 (i32.add (local.get $a0) (i32.const 4)))
              (local.set $wp (i32.add (local.get $wp) (i32.const 32)))
              (local.set $k (i32.sub (local.get $k) (i32.const 1)))
              (br_if $ks1 (local.get $k)))
            (local.set $s (i32.add (local.get $s) (i32.const 1)))
            (br_if $segs1 (i32.lt_u (local.get $s) (local.get $segs))))
          (local.set $bp (i32.add (local.get $bias) (i32.shl (local.get $b) (i32.const 5))))
          (call $store8 (i32.add (local.get $o) (i32.shl (local.get $b) (i32.const 5)))
            (call $finish (local.get $c00) (v128.load (local.get $bp)) (local.get $vlo) (local.get $vhi))
            (call $finish (local.get $c01) (v128.load offset=16 (local.get $bp)) (local.get $vlo) (local.get $vhi))
            (i32.sub (local.get $outC) (i32.shl (local.get $b) (i32.const 3))))
          (local.set $b (i32.add (local.get $b) (i32.const 1)))
          (br_if $blocks1 (i32.lt_u (local.get $b) (local.get $blocks))))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (br $ones))))

  ;; fdw: depthwise, 16 then 8 channels at a time, over the unpadded image $x with $C channels per
  ;; pixel. $ind holds, per output pixel, per tap, the byte offset of the tap's input pixel in
  ;; $x, or −1 for a tap outside the image, which is skipped as the reference kernel skips it;
  ;; $w holds per tap the channels' weights, padded to a multiple of 8 ($pitch bytes per tap);
  ;; $bias as many floats. Output pixel p is $C floats at $out + p · 4 · $C.
  (func (export "fdw")
    (param $x i32) (param $ind i32) (param $P i32) (param $taps i32)
    (param $w i32) (param $pitch i32) (param $C i32) (param $bias i32) (param $out i32)
    (param $lo f32) (param $hi f32)
    (local $p i32) (local $c i32) (local $cb i32) (local $t i32) (local $off i32) (local $row i32) (local $o i32)
    (local $wp i32) (local $a i32) (local $tp i32) (local $q i32)
    (local $c0 v128) (local $c1 v128) (local $c2 v128) (local $c3 v128) (local $vlo v128) (local $vhi v128)
    (local.set $vlo (f32x4.splat (local.get $lo)))
    (local.set $vhi (f32x4.splat (local.get $hi)))
    (local.set $p (i32.const 0))
    (block $pixels_done
      (loop $pixels
        (br_if $pixels_done (i32.ge_s (local.get $p) (local.get $P)))
        (local.set $row (i32.add (local.get $ind) (i32.shl (i32.mul (local.get $p) (local.get $taps)) (i32.const 2))))
        (local.set $o (i32.add (local.get $out) (i32.shl (i32.mul (local.get $p) (local.get $C)) (i32.const 2))))
        (local.set $c (i32.const 0))
        (local.set $cb (i32.const 0))
        ;; 16 channels at a time while they last: four independent sums per tap.
        (block $wide_done
          (loop $wide
            (br_if $wide_done (i32.gt_s (i32.add (local.get $c) (i32.const 16)) (local.get $C)))
            (local.set $c0 (v128.const i32x4 0 0 0 0))
            (local.set $c1 (v128.const i32x4 0 0 0 0))
            (local.set $c2 (v128.const i32x4 0 0 0 0))
            (local.set $c3 (v128.const i32x4 0 0 0 0))
            (local.set $wp (i32.add (local.get $w) (local.get $cb)))
            (local.set $a (i32.add (local.get $x) (local.get $cb)))
            (local.set $tp (local.get $row))
            (local.set $t (local.get $taps))
            (loop $taps_w
              (local.set $off (i32.load (local.get $tp)))
              (if (i32.ge_s (local.get $off) (i32.const 0))
                (then
                  (local.set $q (i32.add (local.get $a) (local.get $off)))
                  (local.set $c0 (f32x4.relaxed_madd (v128.load (local.get $q)) (v128.load (local.get $wp)) (local.get $c0)))
                  (local.set $c1 (f32x4.relaxed_madd (v128.load offset=16 (local.get $q)) (v128.load offset=16 (local.get $wp)) (local.get $c1)))
                  (local.set $c2 (f32x4.relaxed_madd (v128.load offset=32 (local.get $q)) (v128.load offset=32 (local.get $wp)) (local.get $c2)))
                  (local.set $c3 (f32x4.relaxed_madd (v128.load offset=48 (local.get $q)) (v128.load offset=48 (local.get $wp)) (local.get $c3)))))
              (local.set $wp (i32.add (local.get $wp) (local.get $pitch)))
              (local.set $tp (i32.add (local.get $tp) (i32.const 4)))
              (local.set $t (i32.sub (local.get $t) (i32.const 1)))
              (br_if $taps_w (local.get $t)))
            (local.set $wp (i32.add (local.get $bias) (local.get $cb)))
            (local.set $q (i32.add (local.get $o) (local.get $cb)))
            (v128.store (local.get $q) (call $finish (local.get $c0) (v128.load (local.get $wp)) (local.get $vlo) (local.get $vhi)))
            (v128.store offset=16 (local.get $q) (call $finish (local.get $c1) (v128.load offset=16 (local.get $wp)) (local.get $vlo) (local.get $vhi)))
            (v128.store offset=32 (local.get $q) (call $finish (local.get $c2) (v128.load offset=32 (local.get $wp)) (local.get $vlo) (local.get $vhi)))
            (v128.store offset=48 (local.get $q) (call $finish (local.get $c3) (v128.load offset=48 (local.get $wp)) (local.get $vlo) (local.get $vhi)))
            (local.set $c (i32.add (local.get $c) (i32.const 16)))
            (local.set $cb (i32.add (local.get $cb) (i32.const 64)))
            (br $wide)))
        (block $chunks_done
        (loop $chunks
          (br_if $chunks_done (i32.ge_s (local.get $c) (local.get $C)))
          (local.set $c0 (v128.const i32x4 0 0 0 0))
          (local.set $c1 (v128.const i32x4 0 0 0 0))
          (local.set $wp (i32.add (local.get $w) (local.get $cb)))
          (local.set $a (i32.add (local.get $x) (local.get $cb)))
          (local.set $tp (local.get $row))
          (local.set $t (local.get $taps))
          (loop $taps_l
            (local.set $off (i32.load (local.get $tp)))
            (if (i32.ge_s (local.get $off) (i32.const 0))
              (then
                (local.set $q (i32.add (local.get $a) (local.get $off)))
                (local.set $c0 (f32x4.relaxed_madd (v128.load (local.get $q)) (v128.load (local.get $wp)) (local.get $c0)))
                (local.set $c1 (f32x4.relaxed_madd (v128.load offset=16 (local.get $q)) (v128.load offset=16 (local.get $wp)) (local.get $c1)))))
            (local.set $wp (i32.add (local.get $wp) (local.get $pitch)))
            (local.set $tp (i32.add (local.get $tp) (i32.const 4)))
            (local.set $t (i32.sub (local.get $t) (i32.const 1)))
            (br_if $taps_l (local.get $t)))
          (local.set $wp (i32.add (local.get $bias) (local.get $cb)))
          (call $store8 (i32.add (local.get $o) (local.get $cb))
            (call $finish (local.get $c0) (v128.load (local.get $wp)) (local.get $vlo) (local.get $vhi))
            (call $finish (local.get $c1) (v128.load offset=16 (local.get $wp)) (local.get $vlo) (local.get $vhi))
            (i32.sub (local.get $C) (local.get $c)))
          (local.set $c (i32.add (local.get $c) (i32.const 8)))
          (local.set $cb (i32.add (local.get $cb) (i32.const 32)))
          (br $chunks)))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (br $pixels))))

  ;; fbin: $n floats out[i] = a[i] op b[i] (op 0: +, 1: −, 2: ·), clamped to [$lo, $hi]; whole
  ;; vectors (the last one writes past $n into the slack).
  (func (export "fbin")
    (param $a i32) (param $b i32) (param $out i32) (param $n i32) (param $op i32) (param $lo f32) (param $hi f32)
    (local $end i32) (local $v v128) (local $vlo v128) (local $vhi v128)
    (local.set $vlo (f32x4.splat (local.get $lo)))
    (local.set $vhi (f32x4.splat (local.get $hi)))
    (local.set $end (i32.add (local.get $out) (i32.shl (local.get $n) (i32.const 2))))
    (block $done
      (loop $vec
        (br_if $done (i32.ge_u (local.get $out) (local.get $end)))
        (if (i32.eqz (local.get $op))
          (then (local.set $v (f32x4.add (v128.load (local.get $a)) (v128.load (local.get $b)))))
          (else
            (if (i32.eq (local.get $op) (i32.const 1))
              (then (local.set $v (f32x4.sub (v128.load (local.get $a)) (v128.load (local.get $b)))))
              (else (local.set $v (f32x4.mul (v128.load (local.get $a)) (v128.load (local.get $b))))))))
        (v128.store (local.get $out) (f32x4.pmin (f32x4.pmax (local.get $v) (local.get $vlo)) (local.get $vhi)))
        (local.set $a (i32.add (local.get $a) (i32.const 16)))
        (local.set $b (i32.add (local.get $b) (i32.const 16)))
        (local.set $out (i32.add (local.get $out) (i32.const 16)))
        (br $vec))))

  ;; fbcast: ADD / SUB / MUL against a broadcast operand: $rows rows of $C floats at $x, each
  ;; combined with the same $C floats at $v (op 0: x + v, 1: x − v, 2: x · v, 3: v − x), clamped
  ;; to [$lo, $hi]. Whole vectors: a row's last vector spills into the next row's first lanes,
  ;; which that row then writes (rows run in order; the last spills into the slack).
  (func (export "fbcast")
    (param $x i32) (param $v i32) (param $out i32) (param $rows i32) (param $C i32) (param $op i32) (param $lo f32) (param $hi f32)
    (local $r i32) (local $i i32) (local $step i32) (local $a v128) (local $b v128) (local $y v128) (local $vlo v128) (local $vhi v128)
    (local.set $vlo (f32x4.splat (local.get $lo)))
    (local.set $vhi (f32x4.splat (local.get $hi)))
    (local.set $step (i32.shl (local.get $C) (i32.const 2)))
    (local.set $r (i32.const 0))
    (block $done
      (loop $rowsl
        (br_if $done (i32.ge_u (local.get $r) (local.get $rows)))
        (local.set $i (i32.const 0))
        (loop $vec
          (local.set $a (v128.load (i32.add (local.get $x) (local.get $i))))
          (local.set $b (v128.load (i32.add (local.get $v) (local.get $i))))
          (if (i32.eqz (local.get $op))
            (then (local.set $y (f32x4.add (local.get $a) (local.get $b))))
            (else
              (if (i32.eq (local.get $op) (i32.const 1))
                (then (local.set $y (f32x4.sub (local.get $a) (local.get $b))))
                (else
                  (if (i32.eq (local.get $op) (i32.const 2))
                    (then (local.set $y (f32x4.mul (local.get $a) (local.get $b))))
                    (else (local.set $y (f32x4.sub (local.get $b) (local.get $a)))))))))
          (v128.store (i32.add (local.get $out) (local.get $i)) (f32x4.pmin (f32x4.pmax (local.get $y) (local.get $vlo)) (local.get $vhi)))
          (local.set $i (i32.add (local.get $i) (i32.const 16)))
          (br_if $vec (i32.lt_u (local.get $i) (local.get $step))))
        (local.set $x (i32.add (local.get $x) (local.get $step)))
        (local.set $out (i32.add (local.get $out) (local.get $step)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $rowsl))))

  ;; fclamp: $n floats out[i] = min(max(x[i], $lo), $hi) with the reference's comparisons
  ;; (RELU, RELU6, RELU_N1_TO_1: −0 and NaN pass through as there); whole vectors.
  (func (export "fclamp")
    (param $x i32) (param $out i32) (param $n i32) (param $lo f32) (param $hi f32)
    (local $end i32) (local $vlo v128) (local $vhi v128)
    (local.set $vlo (f32x4.splat (local.get $lo)))
    (local.set $vhi (f32x4.splat (local.get $hi)))
    (local.set $end (i32.add (local.get $out) (i32.shl (local.get $n) (i32.const 2))))
    (block $done
      (loop $vec
        (br_if $done (i32.ge_u (local.get $out) (local.get $end)))
        (v128.store (local.get $out) (f32x4.pmin (f32x4.pmax (v128.load (local.get $x)) (local.get $vlo)) (local.get $vhi)))
        (local.set $x (i32.add (local.get $x) (i32.const 16)))
        (local.set $out (i32.add (local.get $out) (i32.const 16)))
        (br $vec))))

  ;; fpool: MAX_POOL_2D ($mode 0: the largest tap, from float32's lowest value, as std::max
  ;; keeps the running maximum) or AVERAGE_POOL_2D ($mode 1: the float32 sum of the taps in
  ;; window order divided by their count, $counts holding one float per output pixel), then the
  ;; clamp. $ind as for fdw (a tap outside the image is −1 and skipped). Output pixel p is $C
  ;; floats at $out + p · 4 · $C, written in whole vectors that spill into the next pixel's.
  (func (export "fpool")
    (param $x i32) (param $ind i32) (param $P i32) (param $taps i32) (param $C i32) (param $out i32)
    (param $mode i32) (param $counts i32) (param $lo f32) (param $hi f32)
    (local $p i32) (local $cb i32) (local $cbytes i32) (local $t i32) (local $tp i32) (local $off i32) (local $row i32) (local $o i32)
    (local $acc v128) (local $vlo v128) (local $vhi v128) (local $lowest v128) (local $count v128)
    (local.set $vlo (f32x4.splat (local.get $lo)))
    (local.set $vhi (f32x4.splat (local.get $hi)))
    (local.set $lowest (f32x4.splat (f32.const -0x1.fffffep+127)))
    (local.set $cbytes (i32.shl (local.get $C) (i32.const 2)))
    (local.set $p (i32.const 0))
    (local.set $o (local.get $out))
    (block $pixels_done
      (loop $pixels
        (br_if $pixels_done (i32.ge_s (local.get $p) (local.get $P)))
        (local.set $row (i32.add (local.get $ind) (i32.shl (i32.mul (local.get $p) (local.get $taps)) (i32.const 2))))
        (local.set $count (v128.load32_splat (i32.add (local.get $counts) (i32.shl (local.get $p) (i32.const 2)))))
        (local.set $cb (i32.const 0))
        (loop $chunks
          (local.set $tp (local.get $row))
          (local.set $t (local.get $taps))
          (if (local.get $mode)
            (then
              (local.set $acc (v128.const i32x4 0 0 0 0))
              (loop $sum
                (local.set $off (i32.load (local.get $tp)))
                (if (i32.ge_s (local.get $off) (i32.const 0))
                  (then (local.set $acc (f32x4.add (local.get $acc) (v128.load (i32.add (i32.add (local.get $x) (local.get $off)) (local.get $cb)))))))
                (local.set $tp (i32.add (local.get $tp) (i32.const 4)))
                (local.set $t (i32.sub (local.get $t) (i32.const 1)))
                (br_if $sum (local.get $t)))
              (local.set $acc (f32x4.div (local.get $acc) (local.get $count))))
            (else
              (local.set $acc (local.get $lowest))
              (loop $max
                (local.set $off (i32.load (local.get $tp)))
                (if (i32.ge_s (local.get $off) (i32.const 0))
                  (then (local.set $acc (f32x4.pmax (local.get $acc) (v128.load (i32.add (i32.add (local.get $x) (local.get $off)) (local.get $cb)))))))
                (local.set $tp (i32.add (local.get $tp) (i32.const 4)))
                (local.set $t (i32.sub (local.get $t) (i32.const 1)))
                (br_if $max (local.get $t)))))
          (v128.store (i32.add (local.get $o) (local.get $cb)) (f32x4.pmin (f32x4.pmax (local.get $acc) (local.get $vlo)) (local.get $vhi)))
          (local.set $cb (i32.add (local.get $cb) (i32.const 16)))
          (br_if $chunks (i32.lt_u (local.get $cb) (local.get $cbytes))))
        (local.set $o (i32.add (local.get $o) (local.get $cbytes)))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (br $pixels))))

  ;; ftconv: TRANSPOSE_CONV's scatter, as the reference kernel runs it: every input value, in
  ;; (y, x, channel) order, adds its product with each filter tap to the output pixel the tap
  ;; reaches, one float32 rounding per product and one per addition, 4 output channels at a
  ;; time. $acc ([outH · outW][$ocp] floats, $ocp the output channels rounded up to 4) is zeroed
  ;; first; $w is [kH][kW][inC][$ocp]. A pixel's input channels are $inC floats at $x.
  (func (export "ftconv")
    (param $x i32) (param $inH i32) (param $inW i32) (param $inC i32) (param $w i32) (param $kH i32) (param $kW i32)
    (param $sH i32) (param $sW i32) (param $padTop i32) (param $padLeft i32) (param $acc i32) (param $outH i32) (param $outW i32) (param $ocp i32)
    (local $iy i32) (local $ix i32) (local $ic i32) (local $fy i32) (local $fx i32) (local $oy i32) (local $ox i32)
    (local $c i32) (local $a i32) (local $wp i32) (local $cbytes i32) (local $v v128)
    (memory.fill (local.get $acc) (i32.const 0) (i32.shl (i32.mul (i32.mul (local.get $outH) (local.get $outW)) (local.get $ocp)) (i32.const 2)))
    (local.set $cbytes (i32.shl (local.get $ocp) (i32.const 2)))
    (local.set $iy (i32.const 0))
    (block $ys_done (loop $ys
      (br_if $ys_done (i32.ge_s (local.get $iy) (local.get $inH)))
      (local.set $ix (i32.const 0))
      (block $xs_done (loop $xs
        (br_if $xs_done (i32.ge_s (local.get $ix) (local.get $inW)))
        (local.set $ic (i32.const 0))
        (block $ics_done (loop $ics
          (br_if $ics_done (i32.ge_s (local.get $ic) (local.get $inC)))
          (local.set $v (v128.load32_splat (local.get $x)))
          (local.set $fy (i32.const 0))
          (loop $fys
            (local.set $oy (i32.add (i32.sub (i32.mul (local.get $iy) (local.get $sH)) (local.get $padTop)) (local.get $fy)))
            (if (i32.and (i32.ge_s (local.get $oy) (i32.const 0)) (i32.lt_s (local.get $oy) (local.get $outH)))
              (then
                (local.set $fx (i32.const 0))
                (loop $fxs
                  (local.set $ox (i32.add (i32.sub (i32.mul (local.get $ix) (local.get $sW)) (local.get $padLeft)) (local.get $fx)))
                  (if (i32.and (i32.ge_s (local.get $ox) (i32.const 0)) (i32.lt_s (local.get $ox) (local.get $outW)))
                    (then
                      (local.set $a (i32.add (local.get $acc) (i32.mul (i32.add (i32.mul (local.get $oy) (local.get $outW)) (local.get $ox)) (local.get $cbytes))))
                      (local.set $wp (i32.add (local.get $w)
                        (i32.mul (i32.add (i32.mul (i32.add (i32.mul (local.get $fy) (local.get $kW)) (local.get $fx)) (local.get $inC)) (local.get $ic)) (local.get $cbytes))))
                      (local.set $c (i32.const 0))
                      (loop $chunks
                        (v128.store (i32.add (local.get $a) (local.get $c))
                          (f32x4.relaxed_madd (local.get $v) (v128.load (i32.add (local.get $wp) (local.get $c))) (v128.load (i32.add (local.get $a) (local.get $c)))))
                        (local.set $c (i32.add (local.get $c) (i32.const 16)))
                        (br_if $chunks (i32.lt_u (local.get $c) (local.get $cbytes))))))
                  (local.set $fx (i32.add (local.get $fx) (i32.const 1)))
                  (br_if $fxs (i32.lt_s (local.get $fx) (local.get $kW))))))
            (local.set $fy (i32.add (local.get $fy) (i32.const 1)))
            (br_if $fys (i32.lt_s (local.get $fy) (local.get $kH))))
          (local.set $x (i32.add (local.get $x) (i32.const 4)))
          (local.set $ic (i32.add (local.get $ic) (i32.const 1)))
          (br $ics)))
        (local.set $ix (i32.add (local.get $ix) (i32.const 1)))
        (br $xs)))
      (local.set $iy (i32.add (local.get $iy) (i32.const 1)))
      (br $ys))))

  ;; fbias: $P pixels of $ocp floats at $acc (as ftconv leaves them) plus the bias ($ocp floats),
  ;; clamped, into $P pixels of $C floats at $out (whole vectors spilling into the next pixel's).
  (func (export "fbias")
    (param $acc i32) (param $P i32) (param $ocp i32) (param $bias i32) (param $out i32) (param $C i32) (param $lo f32) (param $hi f32)
    (local $p i32) (local $c i32) (local $cbytes i32) (local $vlo v128) (local $vhi v128)
    (local.set $vlo (f32x4.splat (local.get $lo)))
    (local.set $vhi (f32x4.splat (local.get $hi)))
    (local.set $cbytes (i32.shl (local.get $C) (i32.const 2)))
    (local.set $p (i32.const 0))
    (block $done (loop $pixels
      (br_if $done (i32.ge_s (local.get $p) (local.get $P)))
      (local.set $c (i32.const 0))
      (loop $chunks
        (v128.store (i32.add (local.get $out) (local.get $c))
          (f32x4.pmin (f32x4.pmax (f32x4.add (v128.load (i32.add (local.get $acc) (local.get $c))) (v128.load (i32.add (local.get $bias) (local.get $c)))) (local.get $vlo)) (local.get $vhi)))
        (local.set $c (i32.add (local.get $c) (i32.const 16)))
        (br_if $chunks (i32.lt_u (local.get $c) (local.get $cbytes))))
      (local.set $acc (i32.add (local.get $acc) (i32.shl (local.get $ocp) (i32.const 2))))
      (local.set $out (i32.add (local.get $out) (local.get $cbytes)))
      (local.set $p (i32.add (local.get $p) (i32.const 1)))
      (br $pixels))))
)
