// SPDX-License-Identifier: GPL-2.0
/*
 * hostexec - message pipe between guest user space and one host fd (UML).
 *
 * The host side of umlrun hands the User Mode Linux process one connected
 * SOCK_SEQPACKET AF_UNIX socket and tells us its number with the "fd"
 * module parameter.  This module exposes it as /dev/hostexec: every read()
 * returns exactly one host message, every write() sends exactly one.  It
 * knows nothing about the protocol spoken over it; it only moves whole
 * messages of at most HOSTEXEC_MAX_MSG bytes, without dropping any, and
 * lets a slow host reader stall the guest writer (and vice versa).
 *
 * UML registers host fds with epoll in edge-triggered mode, so a "ready"
 * flag is cleared before every host read/write attempt and only stays
 * clear when the attempt returned -EAGAIN; the IRQ handlers set it again
 * and wake the waiters, so no edge can be lost.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bitops.h>
#include <linux/fs.h>
#include <linux/interrupt.h>
#include <linux/log2.h>
#include <linux/sched/signal.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/poll.h>
#include <linux/uio.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/version.h>
#include <linux/wait.h>

#include <irq_kern.h>
#include <mem_user.h>
#include <os.h>

#include "hostexec_ring.h"


/* bits in hostexec_dev.flags */
enum {
	HOSTEXEC_OPEN,		/* /dev/hostexec is open */
	HOSTEXEC_READABLE,	/* a host read may succeed */
	HOSTEXEC_WRITABLE,	/* a host write may succeed */
};

struct hostexec_dev {
	int fd;
	int rx_irq;
	int tx_irq;
	unsigned long flags;
	wait_queue_head_t rx_wait;
	wait_queue_head_t tx_wait;

	struct mutex rx_lock;	/* protects rx_buf .. rx_err */
	void *rx_buf;
	size_t rx_len;		/* length of the pending message */
	bool rx_pending;	/* rx_buf holds an unread message */
	bool rx_eof;		/* host peer closed; latched */
	int rx_err;		/* host error seen by poll, for next read */

	struct mutex tx_lock;	/* protects tx_buf */
	void *tx_buf;
};

static struct hostexec_dev hostexec_dev;

static int hostexec_fd = -1;
module_param_named(fd, hostexec_fd, int, 0444);
MODULE_PARM_DESC(fd, "host fd (connected SOCK_SEQPACKET socket) to pipe to");

/*
 * Mark the host fd ready again after an attempt that did not return
 * -EAGAIN, and wake anybody who went to sleep because it was not.
 */
static void hostexec_set_ready(struct hostexec_dev *hx, int bit,
			       wait_queue_head_t *wq, __poll_t key)
{
	set_bit(bit, &hx->flags);
	if (wq_has_sleeper(wq))
		wake_up_interruptible_poll(wq, key);
}

static irqreturn_t hostexec_rx_interrupt(int irq, void *dev_id)
{
	struct hostexec_dev *hx = dev_id;

	set_bit(HOSTEXEC_READABLE, &hx->flags);
	wake_up_interruptible_poll(&hx->rx_wait, EPOLLIN | EPOLLRDNORM);
	return IRQ_HANDLED;
}

static irqreturn_t hostexec_tx_interrupt(int irq, void *dev_id)
{
	struct hostexec_dev *hx = dev_id;

	set_bit(HOSTEXEC_WRITABLE, &hx->flags);
	wake_up_interruptible_poll(&hx->tx_wait, EPOLLOUT | EPOLLWRNORM);
	return IRQ_HANDLED;
}

/*
 * Try to read one host message into rx_buf without blocking.  Called with
 * rx_lock held and no message pending.  Returns the message length, 0 on
 * EOF (latched), -EAGAIN if nothing is queued, or another -errno.
 */
static int hostexec_fetch(struct hostexec_dev *hx)
{
	int n;

	lockdep_assert_held(&hx->rx_lock);

	do {
		clear_bit(HOSTEXEC_READABLE, &hx->flags);
		/* clear before reading: an IRQ from now on sets it again */
		smp_mb__after_atomic();
		n = os_read_file(hx->fd, hx->rx_buf, HOSTEXEC_MAX_MSG);
	} while (n == -EINTR);

	if (n == -EAGAIN)
		return n;

	if (n > 0) {
		hx->rx_len = n;
		hx->rx_pending = true;
	} else if (n == 0) {
		hx->rx_eof = true;
	}
	hostexec_set_ready(hx, HOSTEXEC_READABLE, &hx->rx_wait,
			   EPOLLIN | EPOLLRDNORM);
	return n;
}

/* One non-blocking read attempt; -EAGAIN means "wait for the read IRQ". */
static ssize_t hostexec_read_once(struct hostexec_dev *hx, char __user *buf,
				  size_t count)
{
	int n;

	lockdep_assert_held(&hx->rx_lock);

	if (hx->rx_err) {
		n = hx->rx_err;
		hx->rx_err = 0;
		return n;
	}

	if (!hx->rx_pending) {
		if (hx->rx_eof)
			return 0;
		n = hostexec_fetch(hx);
		if (n <= 0)
			return n;
	}

	if (count < hx->rx_len)
		return -EMSGSIZE;
	if (copy_to_user(buf, hx->rx_buf, hx->rx_len))
		return -EFAULT;

	hx->rx_pending = false;
	return hx->rx_len;
}

static ssize_t hostexec_read(struct file *file, char __user *buf,
			     size_t count, loff_t *ppos)
{
	struct hostexec_dev *hx = &hostexec_dev;
	ssize_t ret;

	for (;;) {
		if (mutex_lock_interruptible(&hx->rx_lock))
			return -ERESTARTSYS;
		ret = hostexec_read_once(hx, buf, count);
		mutex_unlock(&hx->rx_lock);

		if (ret != -EAGAIN || (file->f_flags & O_NONBLOCK))
			return ret;

		/* rx_lock is dropped here so poll() and writers keep going */
		if (wait_event_interruptible(hx->rx_wait,
					     test_bit(HOSTEXEC_READABLE,
						      &hx->flags)))
			return -ERESTARTSYS;
	}
}

static ssize_t hostexec_write(struct file *file, const char __user *buf,
			      size_t count, loff_t *ppos)
{
	struct hostexec_dev *hx = &hostexec_dev;
	ssize_t ret;
	int n;

	if (!count)
		return 0;
	if (count > HOSTEXEC_MAX_MSG)
		return -EMSGSIZE;

	if (mutex_lock_interruptible(&hx->tx_lock))
		return -ERESTARTSYS;

	if (copy_from_user(hx->tx_buf, buf, count)) {
		ret = -EFAULT;
		goto out_unlock;
	}

	for (;;) {
		clear_bit(HOSTEXEC_WRITABLE, &hx->flags);
		/* clear before writing: an IRQ from now on sets it again */
		smp_mb__after_atomic();
		n = os_write_file(hx->fd, hx->tx_buf, count);
		if (n == -EINTR)
			continue;
		if (n != -EAGAIN)
			break;

		/* host socket full: backpressure, never drop */
		if (file->f_flags & O_NONBLOCK) {
			ret = -EAGAIN;
			goto out_unlock;
		}
		if (wait_event_interruptible(hx->tx_wait,
					     test_bit(HOSTEXEC_WRITABLE,
						      &hx->flags))) {
			ret = -ERESTARTSYS;
			goto out_unlock;
		}
	}
	hostexec_set_ready(hx, HOSTEXEC_WRITABLE, &hx->tx_wait,
			   EPOLLOUT | EPOLLWRNORM);

	if (n < 0) {
		ret = n;
	} else if ((size_t)n != count) {
		/* cannot happen on SOCK_SEQPACKET */
		pr_warn_ratelimited("short host write: %d of %zu bytes\n",
				    n, count);
		ret = -EIO;
	} else {
		ret = count;
	}

out_unlock:
	mutex_unlock(&hx->tx_lock);
	return ret;
}

static __poll_t hostexec_poll(struct file *file, poll_table *wait)
{
	struct hostexec_dev *hx = &hostexec_dev;
	__poll_t mask = 0;
	int n;

	poll_wait(file, &hx->rx_wait, wait);
	poll_wait(file, &hx->tx_wait, wait);

	mutex_lock(&hx->rx_lock);
	if (!hx->rx_pending && !hx->rx_eof && !hx->rx_err) {
		n = hostexec_fetch(hx);
		if (n < 0 && n != -EAGAIN)
			hx->rx_err = n;
	}
	if (hx->rx_pending)
		mask |= EPOLLIN | EPOLLRDNORM;
	if (hx->rx_eof)
		mask |= EPOLLIN | EPOLLRDNORM | EPOLLHUP;
	if (hx->rx_err)
		mask |= EPOLLIN | EPOLLRDNORM | EPOLLERR;
	mutex_unlock(&hx->rx_lock);

	if (test_bit(HOSTEXEC_WRITABLE, &hx->flags))
		mask |= EPOLLOUT | EPOLLWRNORM;

	return mask;
}

static int hostexec_open(struct inode *inode, struct file *file)
{
	if (test_and_set_bit_lock(HOSTEXEC_OPEN, &hostexec_dev.flags))
		return -EBUSY;

	return stream_open(inode, file);
}

static int hostexec_release(struct inode *inode, struct file *file)
{
	clear_bit_unlock(HOSTEXEC_OPEN, &hostexec_dev.flags);
	return 0;
}

static const struct file_operations hostexec_fops = {
	.owner		= THIS_MODULE,
	.open		= hostexec_open,
	.release	= hostexec_release,
	.read		= hostexec_read,
	.write		= hostexec_write,
	.poll		= hostexec_poll,
};

static struct miscdevice hostexec_misc = {
	.minor	= MISC_DYNAMIC_MINOR,
	.name	= "hostexec",
	.fops	= &hostexec_fops,
	.mode	= 0600,
};

/*
 * The output ring (see hostexec_ring.h): /dev/hostexec-stdout and
 * /dev/hostexec-stderr turn each write() into a record in memory the host
 * maps too. umlinit makes them the command's stdout and stderr, so output
 * costs the writer one copy and no extra guest system call: under UML every
 * guest system call is a ptrace round trip, far dearer than the copy.
 */
struct hostexec_ring {
	struct hostexec_ring_hdr *hdr;
	u8 *data;
	u32 size;
	u64 head;		/* our copy; the shared one is only written */
	int fd;			/* doorbell: a SOCK_SEQPACKET socket */
	int irq;
	struct mutex lock;	/* one writer at a time: writes stay whole */
	wait_queue_head_t wait;	/* writers and readers, woken by the bell */
	u8 *in_data;		/* the input ring */
	u32 in_size;
	u64 in_tail;		/* our copy; the shared one is only written */
	struct mutex in_lock;	/* one reader at a time */
};

static struct hostexec_ring hostexec_ring;

static int hostexec_ring_fd = -1;
module_param_named(ring, hostexec_ring_fd, int, 0444);
MODULE_PARM_DESC(ring, "host fd of the output ring's doorbell socket");

/* The smallest space worth a record: its header and one 8-byte unit. */
#define RING_MIN_SPACE	(sizeof(struct hostexec_rec) + 8)

static u64 ring_space(struct hostexec_ring *rg)
{
	u64 used = rg->head - READ_ONCE(rg->hdr->tail);

	/* a tail ahead of head or more than a ring behind: no space */
	return used > rg->size ? 0 : rg->size - used;
}

static bool ring_closed(struct hostexec_ring *rg, u32 stream)
{
	return READ_ONCE(rg->hdr->closed) & BIT(stream);
}

/*
 * We moved an index: if the host sleeps until it moves (@host_wait set),
 * ring its doorbell. The barrier orders our index store before the flag
 * load, as the host orders its flag store before its index load.
 */
static void ring_notify(struct hostexec_ring *rg, __u32 *host_wait)
{
	char c = 0;

	mb();
	if (!READ_ONCE(*host_wait))
		return;
	WRITE_ONCE(*host_wait, 0);
	/* a full doorbell socket already holds a wake-up: nothing is lost */
	os_write_file(rg->fd, &c, 1);
}

static bool ring_nonblock(const struct kiocb *iocb)
{
	return (iocb->ki_filp->f_flags & O_NONBLOCK) ||
	       (iocb->ki_flags & IOCB_NOWAIT);
}

static irqreturn_t ring_interrupt(int irq, void *dev_id)
{
	struct hostexec_ring *rg = dev_id;
	char buf[64];

	/* epoll is edge-triggered under UML: drain to -EAGAIN */
	while (os_read_file(rg->fd, buf, sizeof(buf)) > 0)
		;
	wake_up_interruptible_poll(&rg->wait, EPOLLOUT | EPOLLWRNORM |
					      EPOLLIN | EPOLLRDNORM);
	return IRQ_HANDLED;
}

/* Can a writer of @stream go on (space, or the stream is gone)? */
static bool ring_ready(struct hostexec_ring *rg, u32 stream)
{
	if (ring_space(rg) >= RING_MIN_SPACE || ring_closed(rg, stream))
		return true;
	/* ask the host for a doorbell, then look again (it may have moved) */
	WRITE_ONCE(rg->hdr->guest_wait, 1);
	mb();
	return ring_space(rg) >= RING_MIN_SPACE || ring_closed(rg, stream);
}

/*
 * Copy @n bytes between @it and position @pos of the ring at @base of
 * @size bytes, into the ring or out of it; returns the bytes copied.
 * The ring is UML's iomem, outside the memory the kernel allocates
 * objects from: hardened usercopy's object check (copy_from_iter's
 * check_copy_size) cannot look it up and panics the kernel, so the
 * unchecked copies are used; the bounds are ours (off + part <= size).
 */
static size_t ring_copy(u8 *base, u32 size, u64 pos, struct iov_iter *it,
			size_t n, bool into_ring)
{
	u32 off = pos & (size - 1);
	size_t part = min_t(size_t, n, size - off);
	size_t done = 0;

	while (n) {
		size_t got = into_ring ? _copy_from_iter(base + off, part, it) :
					 _copy_to_iter(base + off, part, it);

		done += got;
		if (got != part)
			break;
		n -= part;
		off = 0;
		part = n;
	}
	return done;
}

/* The lock of a reader or writer; a non-blocking one never waits for it. */
static int ring_lock(struct mutex *lock, bool nonblock)
{
	if (nonblock)
		return mutex_trylock(lock) ? 0 : -EAGAIN;
	return mutex_lock_interruptible(lock) ? -ERESTARTSYS : 0;
}

static ssize_t ring_write_iter(struct kiocb *iocb, struct iov_iter *from)
{
	struct hostexec_ring *rg = &hostexec_ring;
	struct file *file = iocb->ki_filp;
	u32 stream = (u32)(uintptr_t)file->private_data;
	bool nonblock = ring_nonblock(iocb);
	struct hostexec_rec rec;
	ssize_t done = 0, ret = 0;
	size_t n, got;
	u64 space;

	if (!iov_iter_count(from))
		return 0;
	/* a blocking writer may hold the lock while it waits for space */
	ret = ring_lock(&rg->lock, nonblock);
	if (ret)
		return ret;
	while (iov_iter_count(from)) {
		if (ring_closed(rg, stream)) {
			ret = -EPIPE;
			break;
		}
		space = ring_space(rg);
		if (space < RING_MIN_SPACE) {
			if (nonblock) {
				ret = -EAGAIN;
				break;
			}
			/* the lock stays held: records of one write stay together */
			ret = wait_event_interruptible(rg->wait,
						       ring_ready(rg, stream));
			if (ret)
				break;
			continue;
		}
		n = min_t(size_t, iov_iter_count(from), HOSTEXEC_RING_MAX_REC);
		n = min_t(size_t, n, space - sizeof(rec));
		got = ring_copy(rg->data, rg->size, rg->head + sizeof(rec), from,
				n, true);
		if (!got) {
			ret = -EFAULT;
			break;
		}
		rec.stream = stream;
		rec.len = got;
		/* records start 8-aligned and size is a multiple of 8: no wrap */
		memcpy(rg->data + (rg->head & (rg->size - 1)), &rec, sizeof(rec));
		rg->head += HOSTEXEC_REC_SPAN(got);
		virt_store_release(&rg->hdr->head, rg->head);
		done += got;
		ring_notify(rg, &rg->hdr->host_wait);
		if (got < n)
			break;	/* a fault part way: report what was written */
	}
	mutex_unlock(&rg->lock);
	if (done)
		return done;
	if (ret == -EPIPE)
		send_sig(SIGPIPE, current, 0);
	return ret;
}

static __poll_t ring_poll(struct file *file, poll_table *wait)
{
	struct hostexec_ring *rg = &hostexec_ring;
	u32 stream = (u32)(uintptr_t)file->private_data;

	poll_wait(file, &rg->wait, wait);
	if (ring_closed(rg, stream))
		return EPOLLOUT | EPOLLWRNORM | EPOLLERR;
	return ring_ready(rg, stream) ? EPOLLOUT | EPOLLWRNORM : 0;
}

/* Bytes the host put in the input ring that nobody has read yet. */
static u64 ring_in_avail(struct hostexec_ring *rg)
{
	u64 avail = virt_load_acquire(&rg->hdr->in_head) - rg->in_tail;

	/* the host is trusted, but never read outside the ring */
	return avail > rg->in_size ? 0 : avail;
}

/* Can a reader go on (bytes, or the host said EOF)? */
static bool ring_in_ready(struct hostexec_ring *rg)
{
	if (ring_in_avail(rg) || READ_ONCE(rg->hdr->in_eof))
		return true;
	WRITE_ONCE(rg->hdr->in_guest_wait, 1);
	mb();
	return ring_in_avail(rg) || READ_ONCE(rg->hdr->in_eof);
}

/* Like a pipe: whatever is there (at least a byte), 0 at EOF. */
static ssize_t ring_read_iter(struct kiocb *iocb, struct iov_iter *to)
{
	struct hostexec_ring *rg = &hostexec_ring;
	bool nonblock = ring_nonblock(iocb);
	ssize_t ret;
	size_t got;
	u64 avail;

	if (!iov_iter_count(to))
		return 0;
	ret = ring_lock(&rg->in_lock, nonblock);
	if (ret)
		return ret;
	while (!(avail = ring_in_avail(rg))) {
		if (READ_ONCE(rg->hdr->in_eof)) {
			ret = 0;
			goto out;
		}
		if (nonblock) {
			ret = -EAGAIN;
			goto out;
		}
		ret = wait_event_interruptible(rg->wait, ring_in_ready(rg));
		if (ret)
			goto out;
	}
	got = ring_copy(rg->in_data, rg->in_size, rg->in_tail, to,
			min_t(u64, avail, iov_iter_count(to)), false);
	if (!got) {
		ret = -EFAULT;
		goto out;
	}
	rg->in_tail += got;
	virt_store_release(&rg->hdr->in_tail, rg->in_tail);
	ring_notify(rg, &rg->hdr->in_host_wait);
	ret = got;
out:
	mutex_unlock(&rg->in_lock);
	return ret;
}

static __poll_t ring_in_poll(struct file *file, poll_table *wait)
{
	struct hostexec_ring *rg = &hostexec_ring;

	poll_wait(file, &rg->wait, wait);
	if (!ring_in_ready(rg))
		return 0;
	if (ring_in_avail(rg))
		return EPOLLIN | EPOLLRDNORM;
	return EPOLLHUP;	/* EOF, as a pipe whose writers are gone */
}

static struct miscdevice ring_misc[3];

static int ring_open(struct inode *inode, struct file *file)
{
	/* misc_open left our struct miscdevice in private_data */
	u32 stream = file->private_data == &ring_misc[0] ? 1 : 2;

	if (file->f_mode & FMODE_READ)
		return -EINVAL;
	file->private_data = (void *)(uintptr_t)stream;
	return stream_open(inode, file);
}

static int ring_in_open(struct inode *inode, struct file *file)
{
	if (file->f_mode & FMODE_WRITE)
		return -EINVAL;
	/* from now on the host puts stdin here, not on the channel */
	WRITE_ONCE(hostexec_ring.hdr->in_attached, 1);
	mb();
	return stream_open(inode, file);
}

static const struct file_operations ring_in_fops = {
	.owner		= THIS_MODULE,
	.open		= ring_in_open,
	.read_iter	= ring_read_iter,
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 5, 0)
	.splice_read	= copy_splice_read,
#else
	.splice_read	= generic_file_splice_read,
#endif
	.poll		= ring_in_poll,
};

static const struct file_operations ring_fops = {
	.owner		= THIS_MODULE,
	.open		= ring_open,
	.write_iter	= ring_write_iter,
	.splice_write	= iter_file_splice_write,
	.poll		= ring_poll,
};

/* Anyone may use them: these are the command's stdout, stderr, stdin. */
static struct miscdevice ring_misc[3] = {
	{ .minor = MISC_DYNAMIC_MINOR, .name = "hostexec-stdout",
	  .fops = &ring_fops, .mode = 0666 },
	{ .minor = MISC_DYNAMIC_MINOR, .name = "hostexec-stderr",
	  .fops = &ring_fops, .mode = 0666 },
	{ .minor = MISC_DYNAMIC_MINOR, .name = "hostexec-stdin",
	  .fops = &ring_in_fops, .mode = 0666 },
};

/*
 * Map the ring the host set up. Without the "ring" parameter there is no
 * ring and umlinit relays output through pipes and /dev/hostexec.
 */
static int ring_init(struct hostexec_ring *rg)
{
	unsigned long len, base;
	struct hostexec_ring_hdr *hdr;
	unsigned int i;
	int err;

	base = find_iomem("hostexec", &len);
	if (!base) {
		pr_err("ring=%d but no iomem region \"hostexec\"\n",
		       hostexec_ring_fd);
		return -ENODEV;
	}
	hdr = (struct hostexec_ring_hdr *)base;
	if (hdr->magic != HOSTEXEC_RING_MAGIC ||
	    hdr->version != HOSTEXEC_RING_VERSION ||
	    hdr->size < PAGE_SIZE || !is_power_of_2(hdr->size) ||
	    hdr->size > len - HOSTEXEC_RING_HDR ||
	    hdr->in_size < PAGE_SIZE || !is_power_of_2(hdr->in_size) ||
	    hdr->in_size > len - HOSTEXEC_RING_HDR - hdr->size) {
		pr_err("bad ring header (magic %#x version %u sizes %u+%u of %lu)\n",
		       hdr->magic, hdr->version, hdr->size, hdr->in_size, len);
		return -EINVAL;
	}
	rg->hdr = hdr;
	rg->data = (u8 *)base + HOSTEXEC_RING_HDR;
	rg->size = hdr->size;
	rg->head = 0;
	WRITE_ONCE(hdr->head, 0);
	rg->in_data = rg->data + rg->size;
	rg->in_size = hdr->in_size;
	rg->in_tail = 0;
	WRITE_ONCE(hdr->in_tail, 0);
	mutex_init(&rg->in_lock);
	rg->fd = hostexec_ring_fd;
	mutex_init(&rg->lock);
	init_waitqueue_head(&rg->wait);

	err = os_set_fd_block(rg->fd, 0);
	if (!err)
		err = um_request_irq(UM_IRQ_ALLOC, rg->fd, IRQ_READ,
				     ring_interrupt, 0, "hostexec-ring", rg);
	if (err < 0) {
		rg->hdr = NULL;
		return err;
	}
	rg->irq = err;

	for (i = 0; i < ARRAY_SIZE(ring_misc); i++) {
		err = misc_register(&ring_misc[i]);
		if (err)
			goto err_deregister;
	}
	pr_info("rings of %u KiB out, %u KiB in\n", rg->size >> 10,
		rg->in_size >> 10);
	return 0;

err_deregister:
	while (i--)
		misc_deregister(&ring_misc[i]);
	um_free_irq(rg->irq, rg);
	rg->hdr = NULL;
	return err;
}

static void ring_exit(struct hostexec_ring *rg)
{
	unsigned int i;

	if (!rg->hdr)
		return;
	for (i = ARRAY_SIZE(ring_misc); i--; )
		misc_deregister(&ring_misc[i]);
	um_free_irq(rg->irq, rg);
}

static int __init hostexec_init(void)
{
	struct hostexec_dev *hx = &hostexec_dev;
	int err;

	if (hostexec_fd < 0) {
		pr_err("missing or invalid fd=%d parameter\n", hostexec_fd);
		return -EINVAL;
	}

	hx->fd = hostexec_fd;
	hx->flags = BIT(HOSTEXEC_READABLE) | BIT(HOSTEXEC_WRITABLE);
	mutex_init(&hx->rx_lock);
	mutex_init(&hx->tx_lock);
	init_waitqueue_head(&hx->rx_wait);
	init_waitqueue_head(&hx->tx_wait);

	err = os_set_fd_block(hx->fd, 0);
	if (err) {
		pr_err("cannot make host fd %d non-blocking: %d\n", hx->fd, err);
		return -EINVAL;
	}

	hx->rx_buf = kvmalloc(HOSTEXEC_MAX_MSG, GFP_KERNEL);
	if (!hx->rx_buf)
		return -ENOMEM;

	hx->tx_buf = kvmalloc(HOSTEXEC_MAX_MSG, GFP_KERNEL);
	if (!hx->tx_buf) {
		err = -ENOMEM;
		goto err_free_rx_buf;
	}

	err = um_request_irq(UM_IRQ_ALLOC, hx->fd, IRQ_READ,
			     hostexec_rx_interrupt, 0, "hostexec-rx", hx);
	if (err < 0) {
		pr_err("cannot register read IRQ: %d\n", err);
		goto err_free_tx_buf;
	}
	hx->rx_irq = err;

	err = um_request_irq(UM_IRQ_ALLOC, hx->fd, IRQ_WRITE,
			     hostexec_tx_interrupt, 0, "hostexec-tx", hx);
	if (err < 0) {
		pr_err("cannot register write IRQ: %d\n", err);
		goto err_free_rx_irq;
	}
	hx->tx_irq = err;

	err = misc_register(&hostexec_misc);
	if (err) {
		pr_err("cannot register misc device: %d\n", err);
		goto err_free_tx_irq;
	}

	pr_info("host fd %d on /dev/%s\n", hx->fd, hostexec_misc.name);
	if (hostexec_ring_fd >= 0) {
		err = ring_init(&hostexec_ring);
		if (err)
			pr_err("no output ring (%d): output goes through init\n",
			       err);
	}
	return 0;

err_free_tx_irq:
	um_free_irq(hx->tx_irq, hx);
err_free_rx_irq:
	um_free_irq(hx->rx_irq, hx);
err_free_tx_buf:
	kvfree(hx->tx_buf);
err_free_rx_buf:
	kvfree(hx->rx_buf);
	return err;
}

static void __exit hostexec_exit(void)
{
	struct hostexec_dev *hx = &hostexec_dev;

	ring_exit(&hostexec_ring);
	misc_deregister(&hostexec_misc);
	um_free_irq(hx->tx_irq, hx);
	um_free_irq(hx->rx_irq, hx);
	kvfree(hx->tx_buf);
	kvfree(hx->rx_buf);
	/* the host fd belongs to the UML process: leave it open */
}

module_init(hostexec_init);
module_exit(hostexec_exit);

MODULE_DESCRIPTION("UML message pipe between /dev/hostexec and a host fd");
MODULE_LICENSE("GPL");
