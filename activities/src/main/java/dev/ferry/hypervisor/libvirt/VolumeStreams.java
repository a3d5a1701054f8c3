package dev.ferry.hypervisor.libvirt;

import org.libvirt.Connect;
import org.libvirt.LibvirtException;
import org.libvirt.StorageVol;
import org.libvirt.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A disk copy's ends on libvirt: {@code virStorageVolDownload} of the source volume and {@code
 * virStorageVolUpload} into the destination volume, which a discarded copy deletes.
 */
final class VolumeStreams implements DiskCopier.Ends {

  private static final Logger log = LoggerFactory.getLogger(VolumeStreams.class);

  private final Connect src;
  private final Connect dst;
  private final StorageVol srcVol;
  private final StorageVol dstVol;
  private final String to;
  private final String destUri;
  private Stream in;
  private Stream out;

  VolumeStreams(
      Connect src, Connect dst, StorageVol srcVol, StorageVol dstVol, String to, String destUri) {
    this.src = src;
    this.dst = dst;
    this.srcVol = srcVol;
    this.dstVol = dstVol;
    this.to = to;
    this.destUri = destUri;
  }

  @Override
  public void open() throws LibvirtException {
    in = src.streamNew(0);
    out = dst.streamNew(0);
    srcVol.download(in, 0, 0, 0);
    dstVol.upload(out, 0, 0, 0);
  }

  @Override
  public int receive(byte[] buf) throws LibvirtException {
    return in.receive(buf);
  }

  @Override
  public int send(byte[] chunk) throws LibvirtException {
    return out.send(chunk);
  }

  @Override
  public void finish() throws LibvirtException {
    in.finish();
    out.finish();
  }

  @Override
  public void discard() {
    abortQuietly(in);
    abortQuietly(out);
    try {
      dstVol.delete(0);
      log.info("deleted the partial copy {} on {}", to, destUri);
    } catch (LibvirtException e) {
      log.warn("partial copy {} on {} not deleted: {}", to, destUri, e.getMessage());
    }
  }

  @Override
  public void free() {
    freeQuietly(in);
    freeQuietly(out);
  }

  private static void abortQuietly(Stream s) {
    if (s == null) {
      return;
    }
    try {
      s.abort();
    } catch (LibvirtException | RuntimeException e) {
      // the connection may be gone already
    }
  }

  private static void freeQuietly(Stream s) {
    if (s == null) {
      return;
    }
    try {
      s.free();
    } catch (LibvirtException | RuntimeException e) {
      // already freed with its connection
    }
  }
}
