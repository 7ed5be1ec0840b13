/* SPDX-License-Identifier: MIT OR GPL-2.0 */
#include_next <linux/limits.h>
#include "../kernel_shim.h"
