/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Trace points of the 9P client core (9pnet.ko).  Built out of tree, the
 * default <trace/events/v9fs_ng.h> lookup of define_trace.h finds this
 * file through the project's include/ directory, which net/9p/Makefile
 * puts first on the include path.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM v9fs_ng

#if !defined(_TRACE_V9FS_NG_H) || defined(TRACE_HEADER_MULTI_READ)
#define _TRACE_V9FS_NG_H

#include <linux/tracepoint.h>

TRACE_EVENT(v9fs_ng_req_submit,
	TP_PROTO(int clnt, u16 tag, u8 type, size_t len),
	TP_ARGS(clnt, tag, type, len),
	TP_STRUCT__entry(
		__field(int, clnt)
		__field(u16, tag)
		__field(u8, type)
		__field(size_t, len)
	),
	TP_fast_assign(
		__entry->clnt = clnt;
		__entry->tag = tag;
		__entry->type = type;
		__entry->len = len;
	),
	TP_printk("client %d tag %u type %u len %zu", __entry->clnt,
		  __entry->tag, __entry->type, __entry->len)
);

TRACE_EVENT(v9fs_ng_req_done,
	TP_PROTO(int clnt, u16 tag, u8 type, int status, u32 len),
	TP_ARGS(clnt, tag, type, status, len),
	TP_STRUCT__entry(
		__field(int, clnt)
		__field(u16, tag)
		__field(u8, type)
		__field(int, status)
		__field(u32, len)
	),
	TP_fast_assign(
		__entry->clnt = clnt;
		__entry->tag = tag;
		__entry->type = type;
		__entry->status = status;
		__entry->len = len;
	),
	TP_printk("client %d tag %u type %u status %d len %u", __entry->clnt,
		  __entry->tag, __entry->type, __entry->status, __entry->len)
);

DECLARE_EVENT_CLASS(v9fs_ng_fid_class,
	TP_PROTO(int clnt, u32 fid),
	TP_ARGS(clnt, fid),
	TP_STRUCT__entry(
		__field(int, clnt)
		__field(u32, fid)
	),
	TP_fast_assign(
		__entry->clnt = clnt;
		__entry->fid = fid;
	),
	TP_printk("client %d fid %u", __entry->clnt, __entry->fid)
);

DEFINE_EVENT(v9fs_ng_fid_class, v9fs_ng_fid_create,
	TP_PROTO(int clnt, u32 fid),
	TP_ARGS(clnt, fid));

DEFINE_EVENT(v9fs_ng_fid_class, v9fs_ng_fid_clunk,
	TP_PROTO(int clnt, u32 fid),
	TP_ARGS(clnt, fid));

#endif /* _TRACE_V9FS_NG_H */

#include <trace/define_trace.h>
