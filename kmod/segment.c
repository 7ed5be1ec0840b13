// SPDX-License-Identifier: MIT OR GPL-2.0
/*
 * The cache full-size segments come from (segment.h says why). Their
 * payload is copied to and from user memory, so that part of each object
 * is whitelisted for hardened usercopy, as kmalloc's caches are whole.
 */
#include <linux/slab.h>
#include <linux/stddef.h>

#include "segment.h"

struct kmem_cache *kcp_seg_cache;

int kcp_seg_cache_init(void)
{
	unsigned int size = sizeof(struct kcp_seg) + KCP_SEG_CACHE_CAP;

	kcp_seg_cache = kmem_cache_create_usercopy("kcp_seg", size, 0, 0,
						   offsetof(struct kcp_seg, data),
						   KCP_SEG_CACHE_CAP, NULL);
	return kcp_seg_cache ? 0 : -ENOMEM;
}

/* Every engine, and so every segment, is gone: sockets hold the module. */
void kcp_seg_cache_exit(void)
{
	kmem_cache_destroy(kcp_seg_cache);
	kcp_seg_cache = NULL;
}
