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
#include <net/9p/9p.h>

/*
 * Message types print by name, from the message table (P9_MESSAGES).
 * The enum values are defined for user space (trace-cmd, perf), which
 * reads the symbol lists from the events' format files.
 */
#undef V9FS_NG_MSG
#define V9FS_NG_MSG(NAME, ...)						\
	TRACE_DEFINE_ENUM(P9_T##NAME); TRACE_DEFINE_ENUM(P9_R##NAME);
P9_MESSAGES(V9FS_NG_MSG)
V9FS_NG_MSG(LERROR)
V9FS_NG_MSG(ERROR)

#undef V9FS_NG_MSG
#define V9FS_NG_MSG(NAME, lname, ...)					\
	{ P9_T##NAME, "T" #lname }, { P9_R##NAME, "R" #lname },
#define v9fs_ng_show_type(type)						\
	__print_symbolic(type, P9_MESSAGES(V9FS_NG_MSG)			\
			 { P9_RLERROR, "Rlerror" }, { P9_RERROR, "Rerror" },	\
			 { 0, "none" })

/* The first bytes of a reply the client refused, for the dump event. */
#define V9FS_NG_DUMP_BYTES	32

/*
 * A request handed to the transport.  @clnt is the channel's number
 * (mountstats "client:"), @sess the session's, i.e. the mount's (as in
 * /sys/kernel/debug/9pnet/<sess>), @type the T-message type (printed by
 * name: Twalk), @fid the first fid the request names (P9_NOFID, printed
 * as 4294967295, for Tversion and Tflush), @size the bytes sent including
 * a zero-copy payload.
 */
TRACE_EVENT(v9fs_ng_req_submit,
	TP_PROTO(int clnt, int sess, u16 tag, u8 type, u32 fid, size_t size),
	TP_ARGS(clnt, sess, tag, type, fid, size),
	TP_STRUCT__entry(
		__field(int, clnt)
		__field(int, sess)
		__field(u16, tag)
		__field(u8, type)
		__field(u32, fid)
		__field(size_t, size)
	),
	TP_fast_assign(
		__entry->clnt = clnt;
		__entry->sess = sess;
		__entry->tag = tag;
		__entry->type = type;
		__entry->fid = fid;
		__entry->size = size;
	),
	TP_printk("client %d session %d tag %u type %s fid %u size %zu",
		  __entry->clnt, __entry->sess, __entry->tag, v9fs_ng_show_type(__entry->type), __entry->fid,
		  __entry->size)
);

/*
 * A request completed: @status is 0 or the transport's (or a
 * cancellation's) negative errno; @rtype the reply's message type
 * ("none" if none arrived; Rlerror or Rerror for an error); @size the bytes received
 * including a zero-copy payload; @latency_ns the time from submit to
 * completion in nanoseconds; @clnt and @sess as for v9fs_ng_req_submit.
 */
TRACE_EVENT(v9fs_ng_req_done,
	TP_PROTO(int clnt, int sess, u16 tag, u8 type, u32 fid, int status,
		 u8 rtype, u32 size, s64 latency_ns),
	TP_ARGS(clnt, sess, tag, type, fid, status, rtype, size, latency_ns),
	TP_STRUCT__entry(
		__field(int, clnt)
		__field(int, sess)
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
		__entry->sess = sess;
		__entry->tag = tag;
		__entry->type = type;
		__entry->rtype = rtype;
		__entry->fid = fid;
		__entry->status = status;
		__entry->size = size;
		__entry->latency_ns = latency_ns;
	),
	TP_printk("client %d session %d tag %u type %s fid %u status %d rtype %s size %u latency_ns %lld",
		  __entry->clnt, __entry->sess, __entry->tag,
		  v9fs_ng_show_type(__entry->type),
		  __entry->fid, __entry->status,
		  v9fs_ng_show_type(__entry->rtype), __entry->size,
		  __entry->latency_ns)
);

/*
 * A reply the client refused as malformed (it fails its request with
 * -EIO): @type is the request's type, @size the bytes received into the
 * reply buffer, @data the first of them (at most V9FS_NG_DUMP_BYTES, in
 * hex), so that a broken server can be diagnosed from the trace.  The
 * caller rate-limits the event.
 */
TRACE_EVENT(v9fs_ng_bad_reply,
	TP_PROTO(int clnt, u16 tag, u8 type, u32 size, const u8 *data,
		 u8 len),
	TP_ARGS(clnt, tag, type, size, data, len),
	TP_STRUCT__entry(
		__field(int, clnt)
		__field(u16, tag)
		__field(u8, type)
		__field(u8, len)
		__field(u32, size)
		__array(u8, data, V9FS_NG_DUMP_BYTES)
	),
	TP_fast_assign(
		__entry->clnt = clnt;
		__entry->tag = tag;
		__entry->type = type;
		__entry->size = size;
		__entry->len = min_t(u8, len, V9FS_NG_DUMP_BYTES);
		memcpy(__entry->data, data, __entry->len);
	),
	TP_printk("client %d tag %u type %s size %u data %s", __entry->clnt,
		  __entry->tag, v9fs_ng_show_type(__entry->type),
		  __entry->size, __print_hex(__entry->data, __entry->len))
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
