//go:build amd64 && !purego

#include "textflag.h"

// CHUNK(off) compares the 16 bytes at off(SI) with X0, X1 and X2 and ORs the
// three 16-bit masks, shifted left by off, into R11, R12 and R13.
#define CHUNK(off) \
	MOVOU    off(SI), X3 \
	MOVO     X3, X4 \
	MOVO     X3, X5 \
	PCMPEQB  X0, X3 \
	PCMPEQB  X1, X4 \
	PCMPEQB  X2, X5 \
	PMOVMSKB X3, R8 \
	PMOVMSKB X4, R9 \
	PMOVMSKB X5, R10 \
	SHLQ     $off, R8 \
	SHLQ     $off, R9 \
	SHLQ     $off, R10 \
	ORQ      R8, R11 \
	ORQ      R9, R12 \
	ORQ      R10, R13

// func blockMasks(p *byte, comma, nl byte) (c, l, q uint64)
//
// Compares the 64 bytes at p with comma, nl and '"' 16 at a time (SSE2, in
// every amd64) and gathers one bit per byte.
TEXT ·blockMasks(SB), NOSPLIT, $0-40
	MOVQ    p+0(FP), SI
	MOVBQZX comma+8(FP), AX
	MOVQ    $0x0101010101010101, BX
	IMULQ   BX, AX
	MOVQ    AX, X0
	PUNPCKLQDQ X0, X0
	MOVBQZX nl+9(FP), CX
	IMULQ   BX, CX
	MOVQ    CX, X1
	PUNPCKLQDQ X1, X1
	MOVQ    $0x2222222222222222, BX
	MOVQ    BX, X2
	PUNPCKLQDQ X2, X2

	// Bytes 0-15.
	MOVOU    0(SI), X3
	MOVO     X3, X4
	MOVO     X3, X5
	PCMPEQB  X0, X3
	PCMPEQB  X1, X4
	PCMPEQB  X2, X5
	PMOVMSKB X3, R11
	PMOVMSKB X4, R12
	PMOVMSKB X5, R13

	CHUNK(16)
	CHUNK(32)
	CHUNK(48)

	MOVQ R11, c+16(FP)
	MOVQ R12, l+24(FP)
	MOVQ R13, q+32(FP)
	RET
