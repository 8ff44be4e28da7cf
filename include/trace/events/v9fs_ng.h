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

/*
 * A request handed to the transport.  @clnt is the client's number (as in
 * /sys/kernel/debug/9pnet/<clnt>), @type the T-message type (decimal, as
 * on the wire), @fid the first fid the request names (P9_NOFID, printed
 * as 4294967295, for Tversion and Tflush), @size the bytes sent including
 * a zero-copy payload.
 */
TRACE_EVENT(v9fs_ng_req_submit,
	TP_PROTO(int clnt, u16 tag, u8 type, u32 fid, size_t size),
	TP_ARGS(clnt, tag, type, fid, size),
	TP_STRUCT__entry(
		__field(int, clnt)
		__field(u16, tag)
		__field(u8, type)
		__field(u32, fid)
		__field(size_t, size)
	),
	TP_fast_assign(
		__entry->clnt = clnt;
		__entry->tag = tag;
		__entry->type = type;
		__entry->fid = fid;
		__entry->size = size;
	),
	TP_printk("client %d tag %u type %u fid %u size %zu", __entry->clnt,
		  __entry->tag, __entry->type, __entry->fid, __entry->size)
);

/*
 * A request completed: @status is 0 or the transport's (or a
 * cancellation's) negative errno; @rtype the reply's message type (0 if
 * none arrived: Rlerror is 7, Rerror 107); @size the bytes received
 * including a zero-copy payload; @latency_ns the time from submit to
 * completion in nanoseconds.
 */
TRACE_EVENT(v9fs_ng_req_done,
	TP_PROTO(int clnt, u16 tag, u8 type, u32 fid, int status, u8 rtype,
		 u32 size, s64 latency_ns),
	TP_ARGS(clnt, tag, type, fid, status, rtype, size, latency_ns),
	TP_STRUCT__entry(
		__field(int, clnt)
		__field(u16, tag)
		__field(u8, type)
		__field(u8, rtype)
		__field(u32, fid)
		__field(int, status)
		__field(u32, size)
		__field(s64, latency_ns)
	),
	TP_fast_assign(
		__entry->clnt = clnt;
		__entry->tag = tag;
		__entry->type = type;
		__entry->rtype = rtype;
		__entry->fid = fid;
		__entry->status = status;
		__entry->size = size;
		__entry->latency_ns = latency_ns;
	),
	TP_printk("client %d tag %u type %u fid %u status %d rtype %u size %u latency_ns %lld",
		  __entry->clnt, __entry->tag, __entry->type, __entry->fid,
		  __entry->status, __entry->rtype, __entry->size,
		  __entry->latency_ns)
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
