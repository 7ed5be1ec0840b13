/* SPDX-License-Identifier: MIT OR GPL-2.0 */
/* System headers include this one too: give them the real one first. */
#include_next <linux/types.h>
#include "../kernel_shim.h"
