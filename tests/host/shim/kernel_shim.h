/* SPDX-License-Identifier: MIT OR GPL-2.0 */
/*
 * Just enough of the kernel's API for kmod/'s engine sources (wire, engine,
 * send, recv, cong) to build unchanged in userspace: for the loss
 * simulator, the fuzzer and the interop peer. Nothing here may change what
 * the engine does; it only maps names.
 *
 * Allocation failures can be injected (shim_fail_alloc_after) to prove
 * every allocation is checked.
 */
#ifndef KCP_KERNEL_SHIM_H
#define KCP_KERNEL_SHIM_H

#include <assert.h>
#include <endian.h>
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

/* the kernel's one-argument form */
#undef static_assert
#define static_assert(expr, ...) _Static_assert(expr, #expr)

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int32_t s32;
typedef int64_t s64;
typedef uint16_t __le16;
typedef uint32_t __le32;
typedef unsigned int gfp_t;

#define GFP_KERNEL	0u
#define GFP_ATOMIC	1u
#define __GFP_NOWARN	2u
#define U32_MAX		UINT32_MAX
#define __packed	__attribute__((packed))

#define cpu_to_le16(x)	htole16(x)
#define cpu_to_le32(x)	htole32(x)
#define le16_to_cpu(x)	le16toh(x)
#define le32_to_cpu(x)	le32toh(x)

#define min(a, b)	((a) < (b) ? (a) : (b))
#define max(a, b)	((a) > (b) ? (a) : (b))
#define min_t(t, a, b)	((t)(a) < (t)(b) ? (t)(a) : (t)(b))
#define max_t(t, a, b)	((t)(a) > (t)(b) ? (t)(a) : (t)(b))
#define clamp_t(t, v, lo, hi)	min_t(t, max_t(t, v, lo), hi)
#define DIV_ROUND_UP(n, d)	(((n) + (d) - 1) / (d))
static inline uint64_t div_u64(uint64_t dividend, uint32_t divisor)
{
	return dividend / divisor;
}
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

#define container_of(ptr, type, member) \
	((type *)((char *)(ptr) - offsetof(type, member)))

/* Error pointers */
#define MAX_ERRNO	4095
static inline void *ERR_PTR(long error) { return (void *)error; }
static inline long PTR_ERR(const void *ptr) { return (long)ptr; }
static inline bool IS_ERR(const void *ptr)
{
	return (unsigned long)ptr >= (unsigned long)-MAX_ERRNO;
}

/* Allocation, with failure injection: after N more successes, fail. */
extern long shim_fail_alloc_after;	/* < 0: never fail */
extern unsigned long shim_live_allocs;

static inline void *shim_alloc(size_t size, bool zero)
{
	void *p;

	if (shim_fail_alloc_after == 0)
		return NULL;
	if (shim_fail_alloc_after > 0)
		shim_fail_alloc_after--;
	p = zero ? calloc(1, size ? size : 1) : malloc(size ? size : 1);
	if (p)
		shim_live_allocs++;
	return p;
}

static inline void kfree(const void *p)
{
	if (p)
		shim_live_allocs--;
	free((void *)p);
}

/* As the kernel's: NULL grows from nothing; on failure @p is kept. */
static inline void *krealloc(const void *p, size_t size, int gfp)
{
	void *q;

	(void)gfp;
	if (shim_fail_alloc_after == 0)
		return NULL;
	if (shim_fail_alloc_after > 0)
		shim_fail_alloc_after--;
	q = realloc((void *)p, size ? size : 1);
	if (q && !p)
		shim_live_allocs++;
	return q;
}

#define kmalloc(size, gfp)	shim_alloc((size), false)
#define kzalloc(size, gfp)	shim_alloc((size), true)
#define kmalloc_array(n, size, gfp) \
	((n) && (size) > SIZE_MAX / (n) ? NULL : shim_alloc((n) * (size), false))

#define kcalloc(n, size, gfp) \
	((n) && (size) > SIZE_MAX / (n) ? NULL : shim_alloc((n) * (size), true))

/* The smallest power of two not below @n (n >= 1), as linux/log2.h's */
static inline unsigned long roundup_pow_of_two(unsigned long n)
{
	unsigned long p = 1;

	while (p < n)
		p <<= 1;
	return p;
}

/* Doubly linked lists, with the kernel's interface */
struct list_head {
	struct list_head *next, *prev;
};

#define LIST_HEAD_INIT(name) { &(name), &(name) }
#define LIST_HEAD(name) struct list_head name = LIST_HEAD_INIT(name)

static inline void INIT_LIST_HEAD(struct list_head *list)
{
	list->next = list;
	list->prev = list;
}

static inline void shim_list_insert(struct list_head *node,
				    struct list_head *prev,
				    struct list_head *next)
{
	next->prev = node;
	node->next = next;
	node->prev = prev;
	prev->next = node;
}

static inline void list_add(struct list_head *node, struct list_head *head)
{
	shim_list_insert(node, head, head->next);
}

static inline void list_add_tail(struct list_head *node, struct list_head *head)
{
	shim_list_insert(node, head->prev, head);
}

static inline void list_del(struct list_head *entry)
{
	entry->next->prev = entry->prev;
	entry->prev->next = entry->next;
	entry->next = NULL;
	entry->prev = NULL;
}

static inline void list_move_tail(struct list_head *entry, struct list_head *head)
{
	entry->next->prev = entry->prev;
	entry->prev->next = entry->next;
	list_add_tail(entry, head);
}

static inline bool list_empty(const struct list_head *head)
{
	return head->next == head;
}

static inline void list_splice_tail(struct list_head *list, struct list_head *head)
{
	if (list_empty(list))
		return;
	list->next->prev = head->prev;
	head->prev->next = list->next;
	list->prev->next = head;
	head->prev = list->prev;
}

#define list_entry(ptr, type, member) container_of(ptr, type, member)
#define list_first_entry(head, type, member) list_entry((head)->next, type, member)
#define list_last_entry(head, type, member) list_entry((head)->prev, type, member)
#define list_first_entry_or_null(head, type, member) \
	(list_empty(head) ? NULL : list_first_entry(head, type, member))
#define list_next_entry(pos, member) \
	list_entry((pos)->member.next, __typeof__(*(pos)), member)
#define list_prev_entry(pos, member) \
	list_entry((pos)->member.prev, __typeof__(*(pos)), member)

#define list_for_each_entry(pos, head, member)				\
	for (pos = list_first_entry(head, __typeof__(*pos), member);	\
	     &pos->member != (head);					\
	     pos = list_next_entry(pos, member))

#define list_for_each_entry_from(pos, head, member)			\
	for (; &pos->member != (head); pos = list_next_entry(pos, member))

#define list_for_each_entry_reverse(pos, head, member)			\
	for (pos = list_last_entry(head, __typeof__(*pos), member);	\
	     &pos->member != (head);					\
	     pos = list_prev_entry(pos, member))

#define list_for_each_entry_safe(pos, n, head, member)			\
	for (pos = list_first_entry(head, __typeof__(*pos), member),	\
	     n = list_next_entry(pos, member);				\
	     &pos->member != (head);					\
	     pos = n, n = list_next_entry(n, member))

#endif /* KCP_KERNEL_SHIM_H */
