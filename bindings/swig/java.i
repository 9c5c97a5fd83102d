/* Java entry point: array typemaps, then the shared interface.
   Arrays reach C without copying: JNI's critical access pins a Java array
   for the length of the call (inputs released with JNI_ABORT, outputs with
   0 so the pinned or copied array is committed). Lengths are read in the
   `in` phase and arrays pinned in the `check` phase, after every length,
   because no other JNI call may run while an array is held critically. */

%define AXQ_JAVA_ARRAY(CTYPE, NAME, LEN, JTYPE, JNITYPE, RELEASE)
%typemap(jni) (CTYPE NAME, size_t LEN) "JNITYPE"
%typemap(jtype) (CTYPE NAME, size_t LEN) "JTYPE"
%typemap(jstype) (CTYPE NAME, size_t LEN) "JTYPE"
%typemap(javain) (CTYPE NAME, size_t LEN) "$javainput"
%typemap(in) (CTYPE NAME, size_t LEN) %{
  if (!$input) {
    SWIG_JavaThrowException(jenv, SWIG_JavaNullPointerException, "array is null");
    return $null;
  }
  $2 = (size_t)(*jenv)->GetArrayLength(jenv, $input);
  $1 = NULL;
%}
%typemap(check) (CTYPE NAME, size_t LEN) %{
  $1 = ($1_ltype)(*jenv)->GetPrimitiveArrayCritical(jenv, $input, NULL);
  if (!$1) return $null; /* OutOfMemoryError pending */
%}
%typemap(freearg) (CTYPE NAME, size_t LEN) %{
  if ($1) (*jenv)->ReleasePrimitiveArrayCritical(jenv, $input, (void *)$1, RELEASE);
%}
%enddef

AXQ_JAVA_ARRAY(const float *, src, src_len, float[], jfloatArray, JNI_ABORT)
AXQ_JAVA_ARRAY(float *, dst, dst_len, float[], jfloatArray, 0)
AXQ_JAVA_ARRAY(const float *, bias, bias_len, float[], jfloatArray, JNI_ABORT)
AXQ_JAVA_ARRAY(const uint8_t *, bytes, bytes_len, byte[], jbyteArray, JNI_ABORT)
AXQ_JAVA_ARRAY(uint8_t *, out, out_len, byte[], jbyteArray, 0)
AXQ_JAVA_ARRAY(const int64_t *, dims, ndim, long[], jlongArray, JNI_ABORT)
AXQ_JAVA_ARRAY(int64_t *, ints, ints_len, long[], jlongArray, 0)
AXQ_JAVA_ARRAY(const float *, approx, approx_len, float[], jfloatArray, JNI_ABORT)
AXQ_JAVA_ARRAY(double *, reals, reals_len, double[], jdoubleArray, 0)
AXQ_JAVA_ARRAY(const uint8_t *, codes, codes_len, byte[], jbyteArray, JNI_ABORT)
AXQ_JAVA_ARRAY(const float *, importance, importance_len, float[], jfloatArray, JNI_ABORT)

/* Direct NIO buffers: their memory from position() for remaining()
   elements (the org.axq layer checks that they are direct and in native
   byte order). */
%define AXQ_JAVA_DIRECT(CTYPE, NAME, LEN, JBUFFER)
%typemap(jni) (CTYPE NAME, size_t LEN) "jobject"
%typemap(jtype) (CTYPE NAME, size_t LEN) "JBUFFER"
%typemap(jstype) (CTYPE NAME, size_t LEN) "JBUFFER"
%typemap(javain) (CTYPE NAME, size_t LEN) "$javainput"
%typemap(in) (CTYPE NAME, size_t LEN) %{
  {
    jclass buffer_class;
    jint position, remaining;
    $1 = ($1_ltype)(*jenv)->GetDirectBufferAddress(jenv, $input);
    if (!$1) {
      SWIG_JavaThrowException(jenv, SWIG_JavaIllegalArgumentException, "not a direct buffer");
      return $null;
    }
    /* Each lookup and call may leave an exception pending (JNI requires
       the check before the next call). */
    buffer_class = (*jenv)->GetObjectClass(jenv, $input);
    position = (*jenv)->CallIntMethod(jenv, $input,
        (*jenv)->GetMethodID(jenv, buffer_class, "position", "()I"));
    if ((*jenv)->ExceptionCheck(jenv)) return $null;
    remaining = (*jenv)->CallIntMethod(jenv, $input,
        (*jenv)->GetMethodID(jenv, buffer_class, "remaining", "()I"));
    if ((*jenv)->ExceptionCheck(jenv)) return $null;
    $1 += position;
    $2 = (size_t)remaining;
  }
%}
%enddef

AXQ_JAVA_DIRECT(const float *, src_direct, src_direct_len, java.nio.FloatBuffer)
AXQ_JAVA_DIRECT(float *, dst_direct, dst_direct_len, java.nio.FloatBuffer)
AXQ_JAVA_DIRECT(const uint8_t *, bytes_direct, bytes_direct_len, java.nio.ByteBuffer)
AXQ_JAVA_DIRECT(uint8_t *, out_direct, out_direct_len, java.nio.ByteBuffer)
%rename("%s") quantize_row_direct;
%rename("%s") dequantize_row_direct;

/* 64-bit results stay 64-bit: SWIG maps C long (int64_t here) to Java int. */
%apply long long { int64_t };

%include "axq.i"
